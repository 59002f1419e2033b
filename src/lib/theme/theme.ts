/** Light, dark, or whatever the system says: the person's choice, remembered on this device. */
export type Theme = 'system' | 'light' | 'dark';

export const THEME_KEY = 'switchboard.theme';

export function loadTheme(storage: Storage | undefined): Theme {
	try {
		const value = storage?.getItem(THEME_KEY);
		return value === 'light' || value === 'dark' ? value : 'system';
	} catch {
		return 'system';
	}
}

/** Applies the theme to the page (the inline script in app.html does the same before first paint). */
export function applyTheme(theme: Theme, storage: Storage | undefined, root: HTMLElement): void {
	if (theme === 'system') delete root.dataset.theme;
	else root.dataset.theme = theme;
	try {
		if (theme === 'system') storage?.removeItem(THEME_KEY);
		else storage?.setItem(THEME_KEY, theme);
	} catch {
		// storage blocked: the choice lasts for this page
	}
}
