/** Joining a NATS server: join details and links, sign-in, connect options and errors in words. Any runtime. */
export * from './connection-options';
export * from './connect-options';
export * from './errors';
export * from './publish-confirmed';
