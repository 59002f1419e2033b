// The browser talks to NATS directly: there is no server to render pages on.
export const ssr = false;
export const prerender = false;
