/** The live traffic feed of the page and its panel. Browser only. */
export { TrafficFeed } from './traffic.svelte';
export { default as TrafficPanel } from './TrafficPanel.svelte';
