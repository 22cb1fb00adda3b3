package com.callcenter.lisa.chat;

import com.callcenter.lisa.gemini.ToolDeclaration;
import com.callcenter.lisa.persona.CallContext;
import com.callcenter.lisa.persona.Persona;
import com.callcenter.lisa.persona.PersonaCatalog;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every request of a session sends besides its conversation: the system instruction (the persona's
 * prompt with the call context filled in, its knowledge, the context) and the persona's tool declarations.
 * Both depend only on the persona, read once at start-up, and the session's context, fixed when the session
 * was created: the same bytes on every turn, so they are rendered once and kept, instead of on every turn
 * (the instruction with its knowledge is most of a prompt's characters).
 *
 * <p>Kept for the {@link #MAX_KEPT} combinations of persona and context used last: a session's context is
 * usually its own, and a busy call center has more sessions than is worth holding instructions for; one that
 * dropped out is rendered again (the same bytes).
 */
final class PersonaPrompts {

    /** The instruction can be tens of kilobytes (knowledge): a few megabytes at most. */
    static final int MAX_KEPT = 256;

    /** A session's instruction and tools; {@code persona} is what they were made from. */
    record PersonaPrompt(Persona persona, String instruction, List<ToolDeclaration> tools) {}

    private record Key(String persona, String context) {}

    private final PersonaCatalog personas;
    private final ToolRunner toolRunner;
    /** Least recently used first; guarded by itself (a lookup is a hash and a relink). */
    private final Map<Key, PersonaPrompt> kept = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, PersonaPrompt> eldest) {
            return size() > MAX_KEPT;
        }
    };

    PersonaPrompts(PersonaCatalog personas, ToolRunner toolRunner) {
        this.personas = personas;
        this.toolRunner = toolRunner;
    }

    /** The instruction and tools of a session of persona {@code personaName} (null: the default) with {@code context}. */
    PersonaPrompt of(String personaName, CallContext context) {
        Persona persona = personas.resolve(personaName);
        Key key = new Key(persona.name(), context.json());
        PersonaPrompt found;
        synchronized (kept) {
            found = kept.get(key);
        }
        // The same persona object: one loaded again under the same name renders anew.
        if (found != null && found.persona() == persona) {
            return found;
        }
        PersonaPrompt made =
                new PersonaPrompt(persona, persona.systemInstruction(context), toolRunner.declarations(persona));
        synchronized (kept) {
            kept.put(key, made);
        }
        return made;
    }
}
