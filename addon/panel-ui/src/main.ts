// The panel's entry point (bundled into panel.js by addon/src/panel/build-ui.ts).
import './components/panel-app';
