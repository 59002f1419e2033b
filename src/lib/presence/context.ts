import { createContext } from 'svelte';
import type { Participant } from './participant.svelte';

/** The person at this tab as an agent on the bus, provided by the root layout. */
export const [getParticipant, setParticipant] = createContext<Participant>();
