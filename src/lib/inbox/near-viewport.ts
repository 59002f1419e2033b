/**
 * An attachment that calls `onnear` once, when its element first comes within a screen or so of the
 * viewport. One observer serves every element. Where there is no IntersectionObserver, it calls at once.
 */
import type { Attachment } from 'svelte/attachments';

const waiting = new WeakMap<Element, () => void>();
let observer: IntersectionObserver | null = null;

function shared(): IntersectionObserver {
	observer ??= new IntersectionObserver(
		(entries) => {
			for (const entry of entries) {
				if (!entry.isIntersecting) continue;
				const onnear = waiting.get(entry.target);
				waiting.delete(entry.target);
				observer?.unobserve(entry.target);
				onnear?.();
			}
		},
		{ rootMargin: '1000px 0px' }
	);
	return observer;
}

export function nearViewport(onnear: () => void): Attachment {
	return (element) => {
		if (typeof IntersectionObserver === 'undefined') {
			onnear();
			return;
		}
		waiting.set(element, onnear);
		shared().observe(element);
		return () => {
			waiting.delete(element);
			observer?.unobserve(element);
		};
	};
}
