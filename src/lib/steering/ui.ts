/** Steering agents and the audit trail in the page: state and panel. Browser only. */
export { CrewSteering, type SteerableAgent, type SteerOutcome } from './steering.svelte';
export { default as SteerPanel } from './SteerPanel.svelte';
