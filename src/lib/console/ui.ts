/**
 * The joined console as a whole: the session that owns its parts' lifetime, the page it shows, and
 * the keyboard sheet. The route loads this with import(), after the join form.
 */
export { ConsoleSession, type ConsoleSessionOptions } from './console-session.svelte';
export { default as JoinedConsole } from './JoinedConsole.svelte';
export { default as KeyboardHelp } from './KeyboardHelp.svelte';
