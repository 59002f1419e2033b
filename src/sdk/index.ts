/**
 * The Switchboard SDK for agents in Node: `connectAgent`, then broadcast, send, request, work
 * queues and `ask` a human. Shares its wire protocol with the browser app (src/lib/protocol).
 */
export { connectAgent, SwitchboardAgent, serversFrom, type AgentOptions, type ControlVerdict } from './agent';
export type { ControlMessage } from '../lib/protocol';
export type { AskOptions, AskProgress, AskResult } from './ask';
export * from './errors';
export { StorageError } from '../lib/storage';
export * as protocol from '../lib/protocol';
