/** The page's one connection and the parts of the page that show and make it. Browser only. */
export { BusConnection, NotConnectedError } from './connection.svelte';
export { getBus, setBus } from './context';
export { default as ConnectionBadge } from './ConnectionBadge.svelte';
export { default as JoinForm } from './JoinForm.svelte';
export type { ConnectionStatus, Connector, MessageHandler, ServerFacts } from './connection.svelte';
