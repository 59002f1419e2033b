/** An agent's conversation in the page: its state and panel. Browser only. */
export { AgentThreads, type WriteOutcome } from './threads.svelte';
export { default as ThreadPanel } from './ThreadPanel.svelte';
