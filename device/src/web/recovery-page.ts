// /recovery (issue 4): built into the firmware so it works on an empty Storage. Version, free Storage, format the
// web/app area (typed confirmation; settings kept unless asked), upload a .bin/.wwws with a progress bar (raw body,
// XHR upload progress), reboot; and the login (or "Create your login") form it needs first. Says which file goes
// where and names the file an error is about (issue 12). Slot data 'rcv' (device/build/modules.ts): no RAM.
export const RECOVERY_HTML =
  '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">' +
  '<title>MEP Bridge recovery</title><style>body{font:16px sans-serif;max-width:32em;margin:1em auto;padding:0 1em}' +
  'input,button{font:inherit;margin:.2em 0}label{display:block}progress{width:100%}.e{color:#b00020}</style></head><body>' +
  '<main><h1>MEP Bridge recovery</h1><form id="L" hidden><h2 id="LH"></h2><p id="LT"></p><label for="u">User name</label>' +
  '<input id="u" autocomplete="username"><label for="p">Password</label><input id="p" type="password" ' +
  'autocomplete="current-password"><br><button id="LB">Log in</button></form>' +
  '<div id="R" hidden><p>Firmware <b id="v"></b>, web pages <b id="w"></b>, free Storage <b id="f"></b> bytes</p>' +
  '<h2>Update</h2><p><b>firmware.bin</b>: the module\'s firmware (it restarts and runs on trial). <b>update.wwws</b>: ' +
  'its web pages. Both come with the add-on (Updates) or from <code>npm run build</code> (dist/). The Espruino ' +
  'interpreter (espruino_&hellip;_esp32.bin) is flashed over USB with esptool, not here.</p>' +
  '<label for="F">Update file</label><input type="file" id="F" accept=".bin,.wwws"> <button id="U">Upload</button>' +
  '<progress id="P" max="1" value="0" aria-label="upload progress"></progress>' +
  '<h2>Format</h2><label><input type="checkbox" id="S"> also erase settings and login</label><br><button id="X">Format web/app storage</button>' +
  '<h2>Restart</h2><button id="B">Reboot</button> <a href="/">Dashboard</a></div><p id="m" class="e" role="alert"></p></main><script>' +
  'var c="",n="",$=function(i){return document.getElementById(i)};function m(t){$("m").textContent=t||""}' +
  'function api(u,b,k){var x=new XMLHttpRequest();x.open(b===undefined?"GET":"POST",u);x.setRequestHeader("X-CSRF-Token",c);' +
  'x.onload=function(){var r={};try{r=JSON.parse(x.responseText)}catch(e){}if(x.status>=300)m(r.fields?r.fields.map(function(f){' +
  'return(f.field=="login.user"?"User name":"Password")+": "+f.message}).join(". "):(n?n+": ":"")+(r.error||("error "+x.status)));n="";k&&k(r,x.status)};' +
  'x.onerror=function(){m("connection lost")};if(b instanceof Blob)x.upload.onprogress=function(e){$("P").value=e.loaded/e.total};' +
  'else if(b!==undefined)b=JSON.stringify(b);x.send(b)}' +
  'function st(){api("/api/status",undefined,function(r){if(!r.version)return;$("v").textContent=r.version;$("w").textContent=r.web||"none";' +
  '$("f").textContent=r.freeStorage})}' +
  'function go(){api("/api/session",undefined,function(s){c=s.csrf;var ok=s.allowed;$("L").hidden=ok;$("R").hidden=!ok;' +
  '$("LH").textContent=s.loginSet?"Log in":"Create your login";$("LB").textContent=s.loginSet?"Log in":"Create login";' +
  '$("LT").textContent=s.loginSet?"":"No login is set yet: choose a user name and a password of 8 to 64 characters.";if(ok)st()})}' +
  '$("L").onsubmit=function(e){e.preventDefault();m();api("/api/login",{user:$("u").value,password:$("p").value},function(r,s){if(s<300)go()})};' +
  '$("U").onclick=function(){var f=$("F").files[0];if(!f)return m("choose a file");m();n=f.name;' +
  'if(!/\\.(bin|wwws)$/i.test(n))return m(n+": not an update package: upload firmware.bin (firmware) or update.wwws (web pages)");' +
  '$("P").value=0;api("/api/update",f,function(r,s){' +
  'if(s<300){m(r.reboot?"Installed "+r.version+": rebooting":"Installed "+(r.version||""));setTimeout(go,r.reboot?4000:10)}})};' +
  '$("X").onclick=function(){var k=!$("S").checked;if(!confirm(k?"Erase the web files?":"Erase web files, settings and login?"))return;' +
  'api("/api/format",{confirm:"FORMAT",keepSettings:k},function(r,s){if(s<300){m("Formatted");go()}})};' +
  '$("B").onclick=function(){if(confirm("Reboot now?"))api("/api/reboot",{},function(){m("Rebooting...");setTimeout(go,4000)})};go()' +
  '</script></body></html>';
