// The built-in dashboard, setup and login page (issue 12): served for "/", /setup.html and /login.html while no web
// bundle (.wwws) is installed, so a module fresh from `mep upload` (or after a format) never greets its user with a
// bare recovery page. Slot data 'home' (device/build/modules.ts), streamed from flash in slices (server.ts builtIn):
// it costs no RAM and no function of the web module. An installed bundle's pages take precedence.
// One page, three views: "Create your login" / "Log in" (field errors from the API), the live readings (the entity
// table's words and units, as in Home Assistant and the add-on's panel), and the basic settings (setup-form.ts).
// No backticks or "${" in the text below (it is a template literal).
export const HOME_HTML = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>MEP Bridge</title><style>
*{box-sizing:border-box}body{font:16px/1.4 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#222}
header{background:#1d4f7a;color:#fff;padding:.6em 1em;display:flex;flex-wrap:wrap;gap:.8em;align-items:center}
header b{flex:1;font-size:1.1em}header a{color:#fff;margin-left:.8em}main{max-width:40em;margin:0 auto;padding:1em}
h1{font-size:1.3em}.g{display:grid;grid-template-columns:repeat(auto-fill,minmax(12em,1fr));gap:.6em}
.c,form,.n{background:#fff;border-radius:.4em;padding:.6em .8em;box-shadow:0 1px 2px #0003}
.c span{display:block;font-size:1.25em;font-weight:600;white-space:nowrap}.c small,.h{color:#555}
label{display:block;margin:.8em 0 .2em;font-weight:600}input{font:inherit;width:100%;padding:.45em;border:1px solid #767676;border-radius:.3em}
input[type=checkbox]{width:auto}button{font:inherit;padding:.5em 1.2em;background:#1d4f7a;color:#fff;border:0;border-radius:.3em;margin-top:1em}
.e{color:#b00020;font-size:.9em}.n{margin:1em 0;border-left:4px solid #1d4f7a}
@media(prefers-color-scheme:dark){body{background:#111;color:#eee}.c,form,.n{background:#1e1e1e}.c small,.h{color:#bbb}
.e{color:#ff8a80}input{background:#222;color:#eee;border-color:#999}.n a{color:#9cf}}
</style></head><body><header><b id="N">MEP Bridge</b><nav id="V" hidden><a href="/">Dashboard</a><a href="/setup.html">Setup</a>
<a href="/recovery">Recovery</a><a href="#" id="O">Log out</a></nav></header><main>
<section id="L" hidden><h1 id="LT">Log in</h1><p id="LI"></p><form id="LF" novalidate>
<label for="u">User name</label><input id="u" autocomplete="username" aria-describedby="e-login.user"><div class="e" id="e-login.user"></div>
<label for="p">Password</label><input id="p" type="password" autocomplete="current-password" aria-describedby="e-login.password">
<div class="e" id="e-login.password"></div><button id="LB">Log in</button></form></section>
<section id="D" hidden><h1>Meter</h1><p>Meter link: <b id="k">&hellip;</b> <small class="h" id="a"></small></p><div class="g" id="C"></div></section>
<section id="S" hidden><h1>Setup</h1><form id="SF" novalidate><div id="SX"></div><button>Save</button><p id="SM" role="status"></p></form></section>
<p class="n" id="B" hidden>These are the module's built-in pages. The full pages (WiFi scan, access point, pairing with Home Assistant)
come with the web pages package <b>update.wwws</b>: install it from the add-on's Updates, or on <a href="/recovery">Recovery</a>.</p>
<p class="e" id="m" role="alert"></p></main><script>
var c="",t=0,iv=0,$=function(i){return document.getElementById(i)},setup=location.pathname=="/setup.html";
var LS={starting:"Starting",online:"Online","no-reply":"No reply",garbled:"Garbled replies","auth-failed":"Authentication failed",
busy:"Meter busy","sequence-error":"Sequence error",loopback:"Loopback (TX wired to RX)"};
var U=[["energy_import","Energy import","kWh",3],["energy_export","Energy export","kWh",3],["power_import","Power import","W",0],
["power_export","Power export","W",0],["power_net","Power net","W",0]],P=[["voltage","Voltage","V",1],["current","Current","A",2],
["power_import","Power import","W",0],["power_export","Power export","W",0]];
var F=[["name","Device name"],["wifi.ssid","WiFi network"],["wifi.password","WiFi password",1],["mqtt.host","MQTT broker host"],
["mqtt.port","MQTT broker port","number"],["mqtt.username","MQTT user"],["mqtt.password","MQTT password",1],["meter.key","MBK key",1],
["meter.poll_interval_s","Poll interval (seconds)","number"],["login.user","Login user name"],["login.password","New login password",1],
["web.open_dash_data","Home Assistant integrations may read /getDashDataWS without a login","checkbox"]];
function m(s){$("m").textContent=s||""}
function api(u,b,k){var x=new XMLHttpRequest();x.open(b===undefined?"GET":"POST",u);x.setRequestHeader("X-CSRF-Token",c);
if(b!==undefined)x.setRequestHeader("Content-Type","application/json");x.onload=function(){var r={};try{r=JSON.parse(x.responseText)}catch(e){}
if(typeof r.csrf=="string")c=r.csrf;if(x.status==401&&b===undefined&&u!="/api/session"){go();return}
m(x.status<300||r.fields?"":r.error||"error "+x.status);k&&k(r,x.status)};x.onerror=function(){m("The module does not answer.")};
x.send(b===undefined?null:JSON.stringify(b))}
function cl(){var l=document.querySelectorAll(".e,[aria-invalid]");for(var i=0;i<l.length;i++){if(l[i].id!="m")l[i].textContent="";l[i].removeAttribute("aria-invalid")}}
function fe(r){cl();(r.fields||[]).forEach(function(f){var e=$("e-"+f.field),i=document.querySelector("[aria-describedby='e-"+f.field+"']");
if(e)e.textContent=f.message;else m(f.message);if(i)i.setAttribute("aria-invalid","true")});if(r.fields)m(r.error)}
function go(){api("/api/session",undefined,function(s){var n=!s.loginSet;$("L").hidden=s.allowed;$("V").hidden=$("B").hidden=!s.allowed;
if(!s.allowed){$("D").hidden=$("S").hidden=true;$("LT").textContent=n?"Create your login":"Log in";$("LB").textContent=n?"Create login":"Log in";
$("LI").textContent=n?"This module has no login yet. Choose a user name and a password of 8 to 64 characters: they protect these pages.":"Log in to this MEP Bridge module.";
$("p").autocomplete=n?"new-password":"current-password";return}
if(setup)ld();else{$("D").hidden=false;rd();if(!iv)iv=setInterval(rd,5000)}})}
function rd(){api("/api/readings",undefined,function(r){var v=r.values||{},h="",q=U.slice(),p,i;$("N").textContent=r.name||"MEP Bridge";
$("k").textContent=LS[r.link]||r.link||"Starting";for(p=1;p<4;p++)for(i=0;i<P.length;i++)q.push([P[i][0]+"_l"+p,P[i][1]+" L"+p,P[i][2],P[i][3]]);
q.push(["frequency","Frequency","Hz",2]);q.forEach(function(u){var x=v[u[0]];if(typeof x=="number")h+='<div class="c" id="v-'+u[0]+'"><small>'+u[1]+
"</small><span>"+x.toFixed(u[3])+"\\u00a0"+u[2]+"</span></div>"});$("C").innerHTML=h||"<p>No readings yet: they appear once the meter has been read.</p>";t=Date.now()})}
function ld(){api("/api/settings",undefined,function(v){var h="";F.forEach(function(f,i){var s=f[2]===1;h+='<label for="f'+i+'">'+f[1]+
'</label><input id="f'+i+'" type="'+(s?"password":f[2]||"text")+'" aria-describedby="e-'+f[0]+'"'+(s?' autocomplete="new-password"':"")+
'><div class="e" id="e-'+f[0]+'"></div>'});$("SX").innerHTML=h;F.forEach(function(f,i){var e=$("f"+i),x=v.values[f[0]];
if(f[2]===1)e.placeholder=v.secrets[f[0]]?"set (leave empty to keep)":"not set";else if(f[2]=="checkbox")e.checked=!!x;else e.value=x===undefined?"":x});
$("S").hidden=false})}
$("LF").onsubmit=function(e){e.preventDefault();cl();m();api("/api/login",{user:$("u").value,password:$("p").value},function(r,s){if(s<300)go();else fe(r)})};
$("SF").onsubmit=function(e){e.preventDefault();var b={};cl();$("SM").textContent="Saving\\u2026";F.forEach(function(f,i){var x=$("f"+i);b[f[0]]=f[2]=="checkbox"?x.checked:x.value});
api("/api/settings",b,function(r,s){if(s<300){$("SM").textContent=r.changed.length?"Saved: "+r.changed.join(", "):"Nothing changed";ld()}else{$("SM").textContent="";fe(r)}})};
$("O").onclick=function(e){e.preventDefault();api("/api/logout",{},function(){location.href="/"})};
setInterval(function(){if(t)$("a").textContent="\\u00b7 updated "+Math.round((Date.now()-t)/1e3)+" s ago"},1e3);go()
</script></body></html>
`;
