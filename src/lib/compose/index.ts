/** Composing a message as the joined agent, checked before anything is sent. Any runtime. */
export * from './compose';
