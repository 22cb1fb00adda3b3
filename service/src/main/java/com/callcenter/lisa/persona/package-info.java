/**
 * Who Lisa is: personas read once at start-up from folders (the built-in {@code lisa} inside the jar, more
 * under {@code lisa.personas.directory}), each with a prompt, knowledge files, JSON Schemas for the call
 * context a session carries, and tool declarations; and the rendering of a session's system instruction
 * from its persona and its call context, with the context inserted as escaped data.
 */
package com.callcenter.lisa.persona;
