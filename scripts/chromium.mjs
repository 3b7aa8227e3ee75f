// One place for how this project launches Debian's Chromium (tests, bench, screenshots).
export const CHROMIUM = process.env.CHROME_PATH || '/usr/bin/chromium';

/** Flags that work on these machines; `media` adds fake devices and loopback ICE for calls. */
export function chromeArgs({ media = false } = {}) {
  const base = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
    '--autoplay-policy=no-user-gesture-required',
  ];
  return media
    ? [...base, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--allow-loopback-in-peer-connection']
    : base;
}
