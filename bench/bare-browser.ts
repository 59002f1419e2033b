/**
 * Chromium driven over its own DevTools pipe, with nothing enabled but what a measurement reads.
 * Playwright enables the Network domain on every page and worker it knows, so every WebSocket frame
 * a page or worker receives is copied, payload and all, to the test runner: for a socket reading
 * 40,000 messages a second that copying is most of what the browser does, and more of it for a
 * socket in a worker (its DevTools traffic passes through the page's main thread). People's
 * browsers do none of it, so the ingest scenarios measure pages opened here.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';

interface Reply {
	id?: number;
	method?: string;
	params?: Record<string, unknown>;
	result?: Record<string, unknown>;
	error?: { message: string };
}

export interface BarePage {
	/** Evaluates `script` (an expression, or a function called with `arg`) in the page, awaiting a promise it gives. */
	evaluate<T, A = undefined>(script: string | ((arg: A) => T | Promise<T>), arg?: A): Promise<T>;
	/** Waits until `expression` is true in the page. */
	waitFor(expression: string, what: string, timeoutMs?: number): Promise<void>;
	/** A DevTools command in this page's session (the profiler). */
	send(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
	close(): Promise<void>;
}

export interface BareBrowser {
	open(url: string, options?: { bypassCSP?: boolean }): Promise<BarePage>;
	/** A DevTools command to the browser itself (tracing), and its events. */
	send(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
	on(listener: (method: string, params: Record<string, unknown>) => void): () => void;
	close(): Promise<void>;
}

export async function launchBareChromium(
	executable = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
): Promise<BareBrowser> {
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-'));
	const child = spawn(
		executable,
		[
			'--headless=new',
			'--no-sandbox',
			'--disable-background-networking',
			'--disable-component-update',
			'--no-first-run',
			'--remote-debugging-pipe',
			'--window-size=1400,900',
			`--user-data-dir=${profile}`,
			'about:blank'
		],
		{ stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] }
	);
	const toBrowser = child.stdio[3] as Writable;
	const fromBrowser = child.stdio[4] as Readable;
	let nextId = 1;
	const waiting = new Map<number, (reply: Reply) => void>();
	const listeners = new Set<(method: string, params: Record<string, unknown>) => void>();
	let buffered = '';
	fromBrowser.on('data', (chunk: Buffer) => {
		buffered += chunk.toString('utf8');
		let end: number;
		while ((end = buffered.indexOf('\0')) >= 0) {
			const reply = JSON.parse(buffered.slice(0, end)) as Reply;
			buffered = buffered.slice(end + 1);
			if (reply.id !== undefined) {
				waiting.get(reply.id)?.(reply);
				waiting.delete(reply.id);
			} else if (reply.method) for (const listener of listeners) listener(reply.method, reply.params ?? {});
		}
	});
	const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string) =>
		new Promise<Record<string, unknown>>((resolve, reject) => {
			const id = nextId++;
			waiting.set(id, (reply) =>
				reply.error ? reject(new Error(`${method}: ${reply.error.message}`)) : resolve(reply.result ?? {})
			);
			toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
		});
	await send('Browser.getVersion');

	return {
		send: (method, params = {}) => send(method, params),
		on(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		async open(url, options = {}) {
			// A window of its own: a second tab in one window would hide the first, and a hidden page
			// gets no animation frames and slowed timers.
			const { targetId } = (await send('Target.createTarget', { url: 'about:blank', newWindow: true })) as {
				targetId: string;
			};
			const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as {
				sessionId: string;
			};
			if (options.bypassCSP) await send('Page.setBypassCSP', { enabled: true }, sessionId);
			// tsx names the functions it compiles with a helper the page does not have.
			await send('Page.enable', {}, sessionId);
			await send('Page.addScriptToEvaluateOnNewDocument', { source: 'window.__name = (f) => f;' }, sessionId);
			await send('Page.navigate', { url }, sessionId);
			const page: BarePage = {
				send: (method, params = {}) => send(method, params, sessionId),
				async evaluate<T, A>(script: string | ((arg: A) => T | Promise<T>), arg?: A) {
					const expression =
						typeof script === 'string' ? script : `(${script.toString()})(${JSON.stringify(arg ?? null)})`;
					const { result, exceptionDetails } = (await send(
						'Runtime.evaluate',
						{ expression, awaitPromise: true, returnByValue: true },
						sessionId
					)) as {
						result: { value: T };
						exceptionDetails?: { exception?: { description?: string }; text: string };
					};
					if (exceptionDetails)
						throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
					return result.value;
				},
				async waitFor(expression, what, timeoutMs = 30_000) {
					const given = Date.now();
					while (!(await page.evaluate<boolean>(`Boolean(${expression})`).catch(() => false))) {
						if (Date.now() - given > timeoutMs) throw new Error(`Waited ${timeoutMs / 1000} s for ${what}.`);
						await new Promise((resolve) => setTimeout(resolve, 50));
					}
				},
				async close() {
					await send('Target.closeTarget', { targetId });
				}
			};
			await page.waitFor("document.readyState === 'complete'", `${url} to load`);
			return page;
		},
		async close() {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			await send('Browser.close').catch(() => child.kill());
			await exited;
			fs.rmSync(profile, { recursive: true, force: true });
		}
	};
}

/**
 * The app at `app`, joined to the server at `ws` as `name` through its join form, once it watches
 * the bus (and half a second more, for the console to settle).
 */
export async function openJoinedApp(
	browser: BareBrowser,
	app: string,
	ws: string,
	name: string
): Promise<BarePage> {
	const page = await browser.open(
		`${app}/?server=${encodeURIComponent(ws)}&name=${encodeURIComponent(name)}`
	);
	const joinButton = `[...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Join')`;
	await page.waitFor(joinButton, 'the join form');
	await page.evaluate(`${joinButton}.click()`);
	await page.waitFor(`document.body.innerText.includes('Watching live:')`, 'the console to watch the bus');
	await new Promise((resolve) => setTimeout(resolve, 500));
	return page;
}
