/** An agent's conversation with people, as plain data. Any runtime. */
export * from './thread';
