export { default as ThemeSwitch } from './ThemeSwitch.svelte';
