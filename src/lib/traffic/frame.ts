/** Runs `flush` on the next animation frame; a hidden tab gets no frames, so a timer stands in there. */
export type Schedule = (flush: () => void) => void;

export const nextFrame: Schedule = (flush) => {
	const hidden = typeof document !== 'undefined' && document.hidden;
	if (typeof requestAnimationFrame === 'function' && !hidden) requestAnimationFrame(flush);
	else setTimeout(flush, 100);
};
