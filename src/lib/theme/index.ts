/** Light, dark or the system's: the person's choice, remembered on this device. */
export * from './theme';
