import { describe, expect, it } from 'vitest';
import { forgetSecrets, loadSecrets, saveSecrets } from './saved-secrets';

/** This device's localStorage, as far as the secrets use it. */
function deviceStorage(): Storage {
	const items = new Map<string, string>();
	return {
		get length() {
			return items.size;
		},
		clear: () => items.clear(),
		key: (i) => [...items.keys()][i] ?? null,
		getItem: (k) => items.get(k) ?? null,
		setItem: (k, v) => void items.set(k, String(v)),
		removeItem: (k) => void items.delete(k)
	};
}

describe('secrets remembered on this device', () => {
	it('come back as saved, per server, and are forgotten on request', () => {
		const storage = deviceStorage();
		saveSecrets(storage, 'ws://a:1', { user: 'ada', pass: 'pw', token: '', nkeySeed: '', credentials: '' });
		expect(loadSecrets(storage, 'ws://a:1')).toEqual({
			user: 'ada',
			pass: 'pw',
			token: '',
			nkeySeed: '',
			credentials: ''
		});
		expect(loadSecrets(storage, 'ws://b:1')).toBeNull();
		forgetSecrets(storage, 'ws://a:1');
		expect(loadSecrets(storage, 'ws://a:1')).toBeNull();
	});

	it('read what was tampered with field by field: a bad field is empty, the rest is kept', () => {
		const storage = deviceStorage();
		storage.setItem('switchboard.secrets.ws://a:1', JSON.stringify({ user: 'ada', pass: 42, token: null }));
		expect(loadSecrets(storage, 'ws://a:1')).toEqual({
			user: 'ada',
			pass: '',
			token: '',
			nkeySeed: '',
			credentials: ''
		});
		storage.setItem('switchboard.secrets.ws://a:1', '["not", "an", "object"]');
		expect(loadSecrets(storage, 'ws://a:1')).toBeNull();
		storage.setItem('switchboard.secrets.ws://a:1', '{not json');
		expect(loadSecrets(storage, 'ws://a:1')).toBeNull();
	});
});
