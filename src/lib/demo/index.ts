/** The demo crew: three real agents replaying the seed's flow, on any NatsConnection. Any runtime. */
export * from './demo-crew';
