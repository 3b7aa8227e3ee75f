import { css } from 'lit';

export const workbenchStyles = css`
  :host {
    display: block;
    box-sizing: border-box;
    inline-size: var(--cc-width, 320px);
    max-inline-size: 100%;
    font: 14px/1.4 var(--_font);
    color: var(--_text);
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  [hidden] {
    display: none !important;
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
  h2,
  p {
    margin: 0;
  }
  .icon {
    inline-size: 18px;
    block-size: 18px;
    fill: currentColor;
    flex: none;
  }
  .icon.hangup {
    transform: rotate(135deg);
  }

  /* ---- Buttons ---- */
  button,
  select,
  input {
    font: inherit;
    color: inherit;
  }
  button {
    cursor: pointer;
    -webkit-tap-highlight-color: transparent;
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.5;
  }
  /* Waiting for the CTI backend: still focusable, visibly unavailable. */
  [aria-disabled='true'] {
    cursor: progress;
    opacity: 0.6;
  }
  :is(button, select, input):focus-visible {
    outline: 2px solid var(--_primary);
    outline-offset: 2px;
  }
  .btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 6px;
    min-block-size: 34px;
    padding: 0 12px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    font-weight: 600;
    font-size: 13px;
    white-space: nowrap;
    transition:
      background-color 0.12s,
      border-color 0.12s;
  }
  .btn:hover:not(:disabled) {
    background: var(--_surface);
  }
  .btn.primary,
  .btn.success,
  .btn.danger {
    border-color: transparent;
    color: #fff;
  }
  .btn.primary {
    background: var(--_primary);
  }
  .btn.success {
    background: var(--_success);
  }
  .btn.danger {
    background: var(--_danger);
  }
  .btn.primary:hover:not(:disabled) {
    background: color-mix(in srgb, var(--_primary), #000 12%);
  }
  .btn.success:hover:not(:disabled) {
    background: color-mix(in srgb, var(--_success), #000 12%);
  }
  .btn.danger:hover:not(:disabled) {
    background: color-mix(in srgb, var(--_danger), #000 12%);
  }
  .btn.ghost {
    border-color: transparent;
    background: transparent;
    color: var(--_muted);
  }
  .btn.ghost:hover:not(:disabled) {
    color: var(--_text);
    background: color-mix(in srgb, var(--_surface), var(--_text) 5%);
  }
  .btn.big {
    flex: 1;
    min-block-size: 46px;
    font-size: 15px;
    border-radius: calc(var(--_radius) + 2px);
  }
  .btn.block {
    inline-size: 100%;
    min-block-size: 40px;
  }
  .icon-btn {
    display: grid;
    place-items: center;
    inline-size: 28px;
    block-size: 28px;
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: transparent;
    color: inherit;
  }
  .icon-btn:hover {
    background: rgb(0 0 0 / 6%);
  }

  /* ---- Header ---- */
  .header {
    display: grid;
    gap: 12px;
    padding: 14px 16px 12px;
    background: var(--_surface);
    border-block-end: 1px solid var(--_border);
  }
  .identity {
    display: flex;
    align-items: center;
    gap: 10px;
    min-inline-size: 0;
  }
  .avatar {
    display: grid;
    place-items: center;
    flex: none;
    inline-size: 36px;
    block-size: 36px;
    border-radius: 50%;
    background: color-mix(in srgb, var(--_primary), var(--_bg) 84%);
    /* Darker than the primary colour: initials on the tinted disc need 4.5:1. */
    color: color-mix(in srgb, var(--_primary), #000 20%);
    font-weight: 700;
    font-size: 13px;
  }
  .avatar.big {
    inline-size: 64px;
    block-size: 64px;
    font-size: 22px;
  }
  .avatar.big .icon {
    inline-size: 28px;
    block-size: 28px;
  }
  .avatar.small {
    inline-size: 28px;
    block-size: 28px;
  }
  .avatar.small .icon {
    inline-size: 16px;
    block-size: 16px;
  }
  .who {
    display: grid;
    min-inline-size: 0;
  }
  .name {
    overflow: hidden;
    font-weight: 650;
    font-size: 15px;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .status {
    --_tone: var(--_muted);
    display: inline-flex;
    align-items: center;
    gap: 6px;
    font-size: 12.5px;
    color: var(--_muted);
  }
  .status[data-tone='ready'] {
    --_tone: var(--_success);
  }
  .status[data-tone='away'] {
    --_tone: var(--_warning);
  }
  .status[data-tone='busy'] {
    --_tone: var(--_danger);
  }
  .status-label {
    color: var(--_text);
    font-weight: 600;
  }
  .dot {
    inline-size: 8px;
    block-size: 8px;
    border-radius: 50%;
    background: var(--_tone);
    box-shadow: 0 0 0 3px color-mix(in srgb, var(--_tone), transparent 78%);
  }
  .reason::before {
    content: '·';
    margin-inline-end: 6px;
  }
  .status-code,
  .code {
    padding: 0 5px;
    border-radius: 4px;
    background: color-mix(in srgb, var(--_text), transparent 92%);
    font: 600 11px/16px ui-monospace, 'SF Mono', Menlo, Consolas, monospace;
    color: var(--_muted);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
  }
  .actions .ghost {
    margin-inline-start: auto;
  }
  .break {
    display: inline-flex;
    flex: 1 1 168px;
    min-inline-size: 0;
  }
  .break select {
    flex: 1;
    min-inline-size: 0;
    min-block-size: 34px;
    padding: 0 26px 0 10px;
    border: 1px solid var(--_border);
    border-inline-end: 0;
    border-radius: var(--_radius) 0 0 var(--_radius);
    background:
      var(--_bg)
      url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='10' height='6'%3E%3Cpath d='M1 1l4 4 4-4' fill='none' stroke='%236b7280' stroke-width='1.5'/%3E%3C/svg%3E")
      no-repeat right 9px center;
    appearance: none;
    font-size: 13px;
    cursor: pointer;
  }
  .break .btn {
    border-radius: 0 var(--_radius) var(--_radius) 0;
  }
  .break select:focus-visible {
    position: relative;
    z-index: 1;
  }

  /* ---- Alerts and panels ---- */
  .alert {
    display: flex;
    align-items: flex-start;
    gap: 10px;
    margin: 12px 16px 0;
    padding: 10px 8px 10px 12px;
    border: 1px solid color-mix(in srgb, var(--_danger), transparent 70%);
    border-radius: var(--_radius);
    background: color-mix(in srgb, var(--_danger), var(--_bg) 93%);
    color: color-mix(in srgb, var(--_danger), var(--_text) 40%);
    font-size: 13px;
  }
  .alert > .icon {
    margin-block-start: 1px;
    color: var(--_danger);
  }
  .alert-body {
    flex: 1;
    min-inline-size: 0;
  }
  .alert-title {
    font-weight: 650;
  }
  .alert-title .code {
    margin-inline-end: 6px;
    vertical-align: 1px;
  }
  .alert-detail {
    margin-block-start: 2px;
    overflow-wrap: anywhere;
    color: var(--_text);
    font-size: 12px;
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

  /* ---- Call panel ---- */
  .call {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 14px;
  }
  .call-head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    font-size: 12px;
    font-weight: 650;
    letter-spacing: 0.04em;
    text-transform: uppercase;
    color: var(--_muted);
  }
  :host(:state(ringing)) .call-state {
    color: color-mix(in srgb, var(--_success), var(--_text) 15%);
  }
  :host(:state(held)) .call-state {
    color: color-mix(in srgb, var(--_warning), var(--_text) 35%);
  }
  .timer {
    padding: 2px 8px;
    border-radius: 999px;
    background: var(--_surface);
    font: 600 12.5px/18px ui-monospace, 'SF Mono', Menlo, Consolas, monospace;
    letter-spacing: 0;
    color: var(--_text);
    font-variant-numeric: tabular-nums;
  }
  .party {
    display: grid;
    justify-items: center;
    gap: 2px;
    padding-block: 4px;
    text-align: center;
  }
  .party .avatar {
    margin-block-end: 8px;
  }
  .call[data-ringing] .avatar {
    animation: cc-ring 1.6s ease-out infinite;
    background: color-mix(in srgb, var(--_success), var(--_bg) 85%);
    color: var(--_success);
  }
  @keyframes cc-ring {
    0% {
      box-shadow: 0 0 0 0 color-mix(in srgb, var(--_success), transparent 55%);
    }
    100% {
      box-shadow: 0 0 0 18px color-mix(in srgb, var(--_success), transparent 100%);
    }
  }
  .party-name {
    max-inline-size: 100%;
    overflow: hidden;
    font-size: 20px;
    font-weight: 650;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .party-number {
    color: var(--_muted);
    font-size: 14px;
    font-variant-numeric: tabular-nums;
  }
  .badge {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    margin-block-start: 6px;
    padding: 2px 8px;
    border-radius: 999px;
    background: color-mix(in srgb, var(--_danger), var(--_bg) 90%);
    color: color-mix(in srgb, var(--_danger), var(--_text) 35%);
    font-size: 12px;
    font-weight: 600;
  }
  .badge.held {
    background: color-mix(in srgb, var(--_warning), var(--_bg) 88%);
    color: color-mix(in srgb, var(--_warning), var(--_text) 50%);
  }
  .badge .icon {
    inline-size: 14px;
    block-size: 14px;
  }
  .note {
    color: var(--_muted);
    font-size: 13px;
    text-align: center;
  }
  .controls {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(72px, 1fr));
    gap: 8px;
  }
  .tile {
    display: grid;
    justify-items: center;
    gap: 4px;
    padding: 10px 4px 8px;
    border: 1px solid transparent;
    border-radius: var(--_radius);
    background: var(--_surface);
    font-size: 12px;
    font-weight: 600;
    transition: background-color 0.12s;
  }
  .tile .icon {
    inline-size: 20px;
    block-size: 20px;
  }
  .tile:hover {
    background: color-mix(in srgb, var(--_surface), var(--_text) 7%);
  }
  .tile.on {
    border-color: color-mix(in srgb, var(--_primary), transparent 60%);
    background: color-mix(in srgb, var(--_primary), var(--_bg) 88%);
    color: color-mix(in srgb, var(--_primary), var(--_text) 30%);
  }
  .transfer {
    display: grid;
    gap: 6px;
  }
  .field-label {
    color: var(--_muted);
    font-size: 12px;
    font-weight: 600;
  }
  .transfer-row {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(0, 1fr));
    gap: 8px;
  }
  .transfer input {
    inline-size: 100%;
    min-block-size: 36px;
    padding: 0 10px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
  }
  .transfer input:focus-visible {
    outline-offset: 0;
    border-color: var(--_primary);
  }
  .consult {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 10px;
    padding: 10px;
    border: 1px solid color-mix(in srgb, var(--_primary), transparent 70%);
    border-radius: var(--_radius);
    background: color-mix(in srgb, var(--_primary), var(--_bg) 94%);
  }
  .consult-info {
    display: flex;
    align-items: center;
    gap: 8px;
  }
  .consult-party {
    flex: 1;
    min-inline-size: 0;
    overflow: hidden;
    font-weight: 650;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .consult-time {
    color: var(--_muted);
    font: 600 12.5px ui-monospace, 'SF Mono', Menlo, Consolas, monospace;
  }
  .consult-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
  }
  .consult-actions .btn {
    flex: 1 1 auto;
  }
  .call-actions {
    display: flex;
    gap: 10px;
  }

  /* ---- After-call work ---- */
  .after-call {
    display: grid;
    gap: 8px;
    padding: 14px;
    border: 1px solid color-mix(in srgb, var(--_warning), transparent 60%);
    border-radius: var(--_radius);
    background: color-mix(in srgb, var(--_warning), var(--_bg) 92%);
  }
  .after-call-title {
    font-size: 15px;
    font-weight: 650;
  }
  .countdown {
    color: var(--_text);
    font-size: 13px;
    font-variant-numeric: tabular-nums;
  }
  .progress {
    block-size: 4px;
    overflow: hidden;
    border-radius: 2px;
    background: color-mix(in srgb, var(--_warning), transparent 75%);
  }
  .progress span {
    display: block;
    block-size: 100%;
    background: var(--_warning);
    transition: inline-size 1s linear;
  }
  .after-call .btn {
    margin-block-start: 4px;
  }

  @media (prefers-reduced-motion: reduce) {
    .call[data-ringing] .avatar {
      animation: none;
    }
    .progress span,
    .btn,
    .tile {
      transition: none;
    }
  }
`;
