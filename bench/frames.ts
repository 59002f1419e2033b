/** What the benchmarks measure in a page, shared by `npm run bench` and `npm run bench:variants`. */
/** A page of Playwright's or of the bare browser (bench/bare-browser.ts). */
interface Evaluates {
	evaluate<T>(script: () => T | Promise<T>): Promise<T>;
}

/** Records the longest gap between animation frames from now until `stop` is called in the page. */
export async function watchFrames(page: Evaluates) {
	await page.evaluate(() => {
		const state = { max: 0, last: performance.now(), on: true };
		(window as unknown as { __frames: typeof state }).__frames = state;
		const tick = (t: number) => {
			state.max = Math.max(state.max, t - state.last);
			state.last = t;
			if (state.on) requestAnimationFrame(tick);
		};
		requestAnimationFrame(tick);
	});
	return () =>
		page.evaluate(() => {
			const state = (window as unknown as { __frames: { max: number; on: boolean } }).__frames;
			state.on = false;
			return state.max;
		});
}
