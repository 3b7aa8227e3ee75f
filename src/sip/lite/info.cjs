'use strict';
// JsSIP's INFO class, reduced to what the bundle needs: the workbench sends no INFO of its own
// (tones over SIP INFO go through the DTMF class) and listens for no 'newInfo', so an incoming
// INFO that is not DTMF is answered 200 and dropped, as JsSIP does when nobody listens.
module.exports = class InfoInCcWorkbench {
  init_incoming(request) {
    request.reply(200);
  }
};
