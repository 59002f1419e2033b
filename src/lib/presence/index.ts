/** Being an agent on the bus (announce, heartbeat, pong, services, leave) and presence history. Any runtime. */
export * from './agent-presence';
export * from './identity';
export { replayPresence, replayPresenceInBatches } from './presence-history';
export * from './ticker';
