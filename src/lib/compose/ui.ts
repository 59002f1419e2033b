/** The compose form's state and panel. Browser only. */
export { Composer } from './composer.svelte';
export { default as ComposePanel } from './ComposePanel.svelte';
