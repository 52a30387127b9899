#!/usr/bin/env node
// Launcher kept outside dist/ so that package managers can link it before the first build.
import '../dist/cli/bin.js';
