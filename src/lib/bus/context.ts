import { createContext } from 'svelte';
import type { BusConnection } from './connection.svelte';
import type { Participant } from './participant.svelte';

/** The page's one connection, provided by the root layout. */
export const [getBus, setBus] = createContext<BusConnection>();

/** The person at this tab as an agent on the bus, provided by the root layout. */
export const [getParticipant, setParticipant] = createContext<Participant>();
