import { css } from 'lit';

/**
 * The theme: every `--cc-*` custom property a page may set, with its default, as the private
 * `--_*` names the element styles use. Shared by every element, so defaults never drift apart.
 */
export const themeStyles = css`
  :host {
    --_primary: var(--cc-primary-color, #2563eb);
    --_danger: var(--cc-danger-color, #dc2626);
    --_success: var(--cc-success-color, #15803d);
    --_warning: var(--cc-warning-color, #d97706);
    --_font: var(--cc-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, 'PingFang SC', 'Microsoft YaHei', sans-serif);
    --_radius: var(--cc-radius, 10px);
    --_bg: var(--cc-background, #fff);
    --_surface: var(--cc-surface, #f3f5f8);
    --_text: var(--cc-text-color, #111827);
    --_muted: var(--cc-muted-color, #4b5563);
    --_border: var(--cc-border-color, #e2e6ec);
  }
`;
