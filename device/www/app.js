// Shared by the bundle's pages: the JSON API with the session's CSRF token (device/src/web/server.ts). A plain
// browser script (no modules): its functions are used by the pages' inline scripts.
/* global document, location */
/* eslint-disable no-unused-vars */
var csrf = '';
function $(id) { return document.getElementById(id); }
function api(method, url, body) {
  var headers = { 'X-CSRF-Token': csrf };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return fetch(url, { method: method, headers: headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) })
    .then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        j.status = r.status;
        if (typeof j.csrf === 'string') csrf = j.csrf;
        return j;
      });
    });
}
/** The session; pages that need access go to the login page when it is not allowed. */
function session(needAccess) {
  return api('GET', '/api/session').then(function (s) {
    if (needAccess && !s.allowed) { location.href = '/login.html'; throw new Error('login required'); }
    return s;
  });
}
function logout() {
  api('POST', '/api/logout', {}).then(function () { location.href = '/login.html'; });
}
