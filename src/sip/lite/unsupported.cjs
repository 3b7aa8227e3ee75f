'use strict';
// JsSIP's MESSAGE, OPTIONS and SUBSCRIBE/NOTIFY classes are left out of the production bundle:
// the workbench never sends them, and the UA answers such incoming requests itself (200 to
// OPTIONS, 405 to MESSAGE and SUBSCRIBE) when nobody listens for them, which is always here.
module.exports = class UnsupportedInCcWorkbench {
  constructor() {
    throw new Error('JsSIP MESSAGE, OPTIONS and SUBSCRIBE are not part of the cc-workbench bundle');
  }
};
