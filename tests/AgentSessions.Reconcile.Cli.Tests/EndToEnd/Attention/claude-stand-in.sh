#!/bin/bash
# A stand-in for Claude Code in a real tmux pane (no real claude runs on test machines). It runs,
# one at a time, the numbered step files the test writes into the folder $1 (step-1, step-2, ...),
# sourced in this process, then touches done-N. So the hooks it calls are its children, as Claude
# Code's command hooks are claude's, and $$ names its per-process file as claude's pid does.
steps="$1"
n=1
while :; do
  if [ -f "$steps/step-$n" ]; then
    . "$steps/step-$n"
    : > "$steps/done-$n"
    n=$((n + 1))
  else
    sleep 0.05
  fi
done
