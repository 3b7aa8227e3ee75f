import { css } from 'lit';

export const callPanelStyles = css`
  .call {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 14px;
  }
  .head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    font-size: 12px;
    font-weight: 650;
    letter-spacing: 0.04em;
    text-transform: uppercase;
    color: var(--_muted);
  }
  .call[data-ringing] .state {
    color: color-mix(in srgb, var(--_success), var(--_text) 15%);
  }
  .call[data-held] .state {
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
  .avatar.big {
    inline-size: 64px;
    block-size: 64px;
    margin-block-end: 8px;
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
  .actions {
    display: flex;
    gap: 10px;
  }
  .btn.big {
    flex: 1;
    min-block-size: 46px;
    font-size: 15px;
    border-radius: calc(var(--_radius) + 2px);
  }
  @media (prefers-reduced-motion: reduce) {
    .call[data-ringing] .avatar {
      animation: none;
    }
    .tile {
      transition: none;
    }
  }
`;
