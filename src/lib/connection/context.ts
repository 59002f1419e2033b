import { createContext } from 'svelte';
import type { BusConnection } from './connection.svelte';

/** The page's one connection, provided by the root layout. */
export const [getBus, setBus] = createContext<BusConnection>();
