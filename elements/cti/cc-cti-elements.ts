// Defines the CTI elements: the chunk load-cti-elements.ts fetches on demand (a define file, so a side effect).
import '../caller-id/cc-caller-id.js';
import '../recent-calls/cc-recent-calls.js';
import '../transfer-targets/cc-transfer-targets.js';
