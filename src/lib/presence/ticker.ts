/** Repeating timers, injectable so the presence loop can run on a worker clock or a test clock. */
export interface Ticker {
	/** Calls `tick` every `ms` until the returned function is called. */
	every(ms: number, tick: () => void): () => void;
}

export const intervalTicker: Ticker = {
	every(ms, tick) {
		const timer = setInterval(tick, ms);
		return () => clearInterval(timer);
	}
};
