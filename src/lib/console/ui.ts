/** The joined console as a whole: the session that owns its parts' lifetime, and the keyboard sheet. */
export { ConsoleSession, type ConsoleSessionOptions } from './console-session.svelte';
export { default as KeyboardHelp } from './KeyboardHelp.svelte';
