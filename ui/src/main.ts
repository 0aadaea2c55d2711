import { mount } from "svelte";
import { markPlatform } from "./lib/frame/platform";
import { markScriptStart } from "./lib/startMarks";
import "./app.css";
import Root from "./Root.svelte";

markScriptStart();
markPlatform();

const target = document.getElementById("app");
if (!target) throw new Error("#app is missing from index.html");

export default mount(Root, { target });
