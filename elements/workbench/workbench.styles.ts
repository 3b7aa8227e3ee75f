import { css } from 'lit';

export const workbenchStyles = css`
  :host {
    box-sizing: border-box;
    inline-size: var(--cc-width, 320px);
    max-inline-size: 100%;
    font: 14px/1.4 var(--_font);
    color: var(--_text);
  }
  .base {
    display: flex;
    flex-direction: column;
    overflow: hidden;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) + 6px);
    box-shadow:
      0 1px 2px rgb(16 24 40 / 6%),
      0 12px 32px -12px rgb(16 24 40 / 22%);
  }
  .alert {
    --_tone: var(--_danger);
    display: flex;
    align-items: flex-start;
    gap: 10px;
    margin: 12px 16px 0;
    padding: 10px 8px 10px 12px;
    border: 1px solid color-mix(in srgb, var(--_tone), transparent 70%);
    border-radius: var(--_radius);
    background: color-mix(in srgb, var(--_tone), var(--_bg) 93%);
    color: color-mix(in srgb, var(--_tone), var(--_text) 40%);
    font-size: 13px;
  }
  .alert.info {
    --_tone: var(--_primary);
    align-items: center;
  }
  /* A prompt's button goes under its text: beside it the text was a column a word wide. */
  .alert:has(> .btn) {
    flex-wrap: wrap;
  }
  .alert > .alert-body:has(+ .btn) {
    flex-basis: calc(100% - 28px);
  }
  .alert > .btn {
    margin-inline-start: auto;
  }
  .alert > .icon {
    margin-block-start: 1px;
    color: var(--_tone);
  }
  .alert-title .code {
    margin-inline-end: 6px;
    vertical-align: 1px;
  }
  .body {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 14px;
    padding: 16px;
  }
  .panel {
    display: grid;
    justify-items: center;
    gap: 8px;
    padding: 20px 8px;
    text-align: center;
  }
  .panel-icon {
    inline-size: 40px;
    block-size: 40px;
    padding: 9px;
    border-radius: 50%;
    background: var(--_surface);
    fill: var(--_muted);
  }
  .config-error .panel-icon {
    background: color-mix(in srgb, var(--_danger), var(--_bg) 90%);
    fill: var(--_danger);
  }
  .panel-title {
    display: flex;
    align-items: center;
    gap: 8px;
    font-size: 16px;
    font-weight: 650;
  }
  .panel-text,
  .hint {
    color: var(--_muted);
    font-size: 13px;
  }
  .hint {
    padding: 8px 12px;
    border-radius: var(--_radius);
    background: var(--_surface);
    text-align: center;
  }
  .issues {
    display: grid;
    gap: 6px;
    inline-size: 100%;
    margin: 4px 0;
    padding: 0;
    list-style: none;
    text-align: start;
  }
  .issues li {
    padding: 8px 10px;
    border-inline-start: 3px solid var(--_danger);
    border-radius: 4px;
    background: color-mix(in srgb, var(--_danger), var(--_bg) 94%);
    font: 12.5px/1.45 ui-monospace, 'SF Mono', Menlo, Consolas, monospace;
    overflow-wrap: anywhere;
  }
`;
