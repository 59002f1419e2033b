/** The live roster in the page and its panels. Browser only. */
export { RosterState } from './roster.svelte';
export { default as RosterPanel } from './RosterPanel.svelte';
export { default as AgentDetail } from './AgentDetail.svelte';
