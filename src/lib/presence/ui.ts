/** The person at this tab as an agent: joining, presence on a worker clock, leaving. Browser only. */
export { Participant } from './participant.svelte';
export { getParticipant, setParticipant } from './context';
export { createWorkerTicker } from './worker-ticker';
