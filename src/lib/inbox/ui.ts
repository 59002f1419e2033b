/** The person's inbox in the page: its state, attention (count, notifications, sound) and panel. Browser only. */
export { InboxState } from './inbox.svelte';
export { Attention } from './attention.svelte';
export { default as InboxPanel } from './InboxPanel.svelte';
