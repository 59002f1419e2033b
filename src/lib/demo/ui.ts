/** The demo crew in the page, on its own connection in a worker. Browser only. */
export { DemoCrewControl } from './demo-crew.svelte';
export { default as DemoCrewPanel } from './DemoCrewPanel.svelte';
