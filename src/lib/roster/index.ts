/** Who is on the bus, from heartbeats and announcements of both dialects. Any runtime. */
export * from './roster';
