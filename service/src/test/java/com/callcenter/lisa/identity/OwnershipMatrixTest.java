package com.callcenter.lisa.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.AuthenticatedServiceTest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Object-level authorization (OWASP API1): for every endpoint, the owner, another agent of its tenant, an agent
 * of another tenant, a supervisor of each tenant and an admin. Those who may not see a session get 404 exactly
 * like an id that does not exist; nothing they send changes it.
 */
@Tag("database")
class OwnershipMatrixTest extends AuthenticatedServiceTest {

    private Map<String, String> callers;
    private Set<String> mayAct;

    @BeforeEach
    void callers() {
        callers = new LinkedHashMap<>();
        callers.put("owner (agent of A)", issuer.token("agent-a1", "tenant-a", "agent"));
        callers.put("other agent of A", issuer.token("agent-a2", "tenant-a", "agent"));
        callers.put("agent of B", issuer.token("agent-b1", "tenant-b", "agent"));
        callers.put("supervisor of A", issuer.token("super-a", "tenant-a", "supervisor"));
        callers.put("supervisor of B", issuer.token("super-b", "tenant-b", "supervisor"));
        callers.put("admin", issuer.token("root", "ops", "admin"));
        mayAct = Set.of("owner (agent of A)", "supervisor of A", "admin");
    }

    private String owner() {
        return callers.get("owner (agent of A)");
    }

    @Test
    void readChatStreamAndRepeatAreAllowedByRoleAndOtherwise404LikeAnUnknownId() {
        String id = newSession(owner());
        String unknown = UUID.randomUUID().toString();
        assertThat(chat(id, "Erste Nachricht", owner(), "Idempotency-Key", "key-1")
                        .status())
                .isEqualTo(200);
        int turns = 1;

        for (Map.Entry<String, String> caller : callers.entrySet()) {
            String who = caller.getKey();
            String credential = caller.getValue();
            boolean allowed = mayAct.contains(who);
            List<Request> requests = List.of(
                    new Request("GET", s -> call("GET", "/api/v1/sessions/" + s, null, credential)),
                    new Request("chat JSON", s -> chat(s, "Hallo von " + who, credential)),
                    new Request(
                            "chat SSE", s -> chat(s, "Strom von " + who, credential, "Accept", "text/event-stream")),
                    new Request(
                            "repeat of the owner's Idempotency-Key",
                            s -> chat(s, "Erste Nachricht", credential, "Idempotency-Key", "key-1")));
            for (Request request : requests) {
                Api.Response answer = request.send().apply(id);
                if (allowed) {
                    assertThat(answer.status()).as(who + " " + request.name()).isEqualTo(200);
                    if (request.name().startsWith("chat")) {
                        turns++;
                    }
                    if (request.name().equals("chat SSE")) {
                        assertThat(answer.body()).contains("event: done");
                    }
                } else {
                    assertNotFoundLikeUnknown(
                            who + " " + request.name(),
                            answer,
                            id,
                            request.send().apply(unknown),
                            unknown);
                }
            }
        }

        JsonNode session = call("GET", "/api/v1/sessions/" + id, null, owner()).json();
        assertThat(session.get("messages").size()).isEqualTo(2 * turns); // strangers' messages were never taken
        assertThat(session.get("messages").get(0).get("content").asString()).isEqualTo("Erste Nachricht");
        assertThat(session.toString())
                .doesNotContain("von agent")
                .doesNotContain("von other")
                .doesNotContain("of B");
    }

    @Test
    void onlyTheOwnerTheSupervisorOfItsTenantAndAnAdminMayEndASession() {
        String unknown = UUID.randomUUID().toString();
        for (Map.Entry<String, String> caller : callers.entrySet()) {
            String id = newSession(owner());
            Api.Response answer = call("DELETE", "/api/v1/sessions/" + id, null, caller.getValue());
            String status = call("GET", "/api/v1/sessions/" + id, null, owner())
                    .json()
                    .get("status")
                    .asString();
            if (mayAct.contains(caller.getKey())) {
                assertThat(answer.status()).as(caller.getKey()).isEqualTo(204);
                assertThat(status).isEqualTo("ended");
            } else {
                assertNotFoundLikeUnknown(
                        caller.getKey() + " DELETE",
                        answer,
                        id,
                        call("DELETE", "/api/v1/sessions/" + unknown, null, caller.getValue()),
                        unknown);
                assertThat(status).as(caller.getKey()).isEqualTo("active");
            }
        }
    }

    @Test
    void everyRoleMayCreateAndTheOwnerComesFromTheCredential() {
        for (Map.Entry<String, String> caller : callers.entrySet()) {
            Api.Response created =
                    call("POST", "/api/v1/sessions", "{\"metadata\":{\"owner\":\"agent-a1\"}}", caller.getValue());
            assertThat(created.status()).as(caller.getKey()).isEqualTo(201);
        }
        JsonNode all = call("GET", "/api/v1/sessions?limit=100", null, callers.get("admin"))
                .json()
                .get("sessions");
        Set<String> owners = new HashSet<>();
        all.forEach(s ->
                owners.add(s.get("owner").asString() + "@" + s.get("tenant").asString()));
        assertThat(owners)
                .contains(
                        "agent-a1@tenant-a",
                        "agent-a2@tenant-a",
                        "agent-b1@tenant-b",
                        "super-a@tenant-a",
                        "super-b@tenant-b",
                        "root@ops");
    }

    @Test
    void listingIsScopedByRole() {
        String a1 = newSession(owner());
        String a2 = newSession(callers.get("other agent of A"));
        String b1 = newSession(callers.get("agent of B"));
        Map<String, Set<String>> expected = new LinkedHashMap<>();
        expected.put("owner (agent of A)", Set.of(a1));
        expected.put("other agent of A", Set.of(a2));
        expected.put("agent of B", Set.of(b1));
        expected.put("supervisor of A", Set.of(a1, a2));
        expected.put("supervisor of B", Set.of(b1));
        expected.put("admin", Set.of(a1, a2, b1));
        Set<String> ours = Set.of(a1, a2, b1);
        for (Map.Entry<String, String> caller : callers.entrySet()) {
            Set<String> seen = listedIds("/api/v1/sessions?limit=100", caller.getValue());
            seen.retainAll(ours);
            assertThat(seen).as(caller.getKey()).isEqualTo(expected.get(caller.getKey()));
            // filters narrow, never widen
            Set<String> asOther =
                    listedIds("/api/v1/sessions?limit=100&tenant=tenant-b&owner=agent-b1", caller.getValue());
            asOther.retainAll(ours);
            assertThat(asOther)
                    .as(caller.getKey() + " asking for B's agent")
                    .isEqualTo(
                            Set.of("agent of B", "supervisor of B", "admin").contains(caller.getKey())
                                    ? Set.of(b1)
                                    : Set.of());
        }
        assertThat(listedIds("/api/v1/sessions?limit=100&tenant=tenant-a", callers.get("admin")))
                .contains(a1, a2)
                .doesNotContain(b1);
    }

    @Test
    void listingIsNewestFirstInPagesWithoutMessages() {
        String agent = issuer.token("pager", "tenant-p", "agent");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(newSession(agent));
        }
        assertThat(chat(created.get(4), "Hallo", agent).status()).isEqualTo(200);
        call("DELETE", "/api/v1/sessions/" + created.get(0), null, agent);

        List<String> listed = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            Api.Response page =
                    call("GET", "/api/v1/sessions?limit=2" + (after == null ? "" : "&after=" + after), null, agent);
            assertThat(page.status()).isEqualTo(200);
            JsonNode body = page.json();
            assertThat(body.get("sessions").size()).isLessThanOrEqualTo(2);
            body.get("sessions").forEach(s -> {
                listed.add(s.get("id").asString());
                assertThat(s.has("messages")).isFalse();
                assertThat(s.has("metadata")).isFalse();
                assertThat(s.has("createdAt") && s.has("lastActivity") && s.has("persona"))
                        .isTrue();
            });
            after = body.has("next") ? body.get("next").asString() : null;
            pages++;
        } while (after != null);
        assertThat(pages).isEqualTo(3);
        assertThat(listed).containsExactlyElementsOf(created.reversed());

        JsonNode first = call("GET", "/api/v1/sessions?limit=1", null, agent)
                .json()
                .get("sessions")
                .get(0);
        assertThat(first.get("turnCount").asInt()).isEqualTo(1);
        assertThat(listedIds("/api/v1/sessions?status=ended&limit=100", agent)).containsExactly(created.get(0));
        for (String bad : List.of("limit=0", "limit=101", "limit=x", "after=bm90LWEtY3Vyc29y", "status=sleeping")) {
            Api.Response refused = call("GET", "/api/v1/sessions?" + bad, null, agent);
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.json().get("type").asString()).isEqualTo("urn:lisa:problem:invalid-request");
        }
    }

    @Test
    void sessionsOfAnApiKeyBelongToTheKeyNotToAnyTokenHolder() {
        String key = call(
                        "POST",
                        "/api/v1/admin/api-keys",
                        "{\"tenant\":\"tenant-a\",\"name\":\"pbx-1\",\"roles\":[\"agent\"]}",
                        callers.get("admin"))
                .json()
                .get("key")
                .asString();
        String id = newSession(key);
        assertThat(call("GET", "/api/v1/sessions/" + id, null, owner()).status())
                .isEqualTo(404);
        assertThat(call("GET", "/api/v1/sessions/" + id, null, callers.get("supervisor of A"))
                        .status())
                .isEqualTo(200);
        assertThat(listedIds("/api/v1/sessions?owner=api-key:pbx-1", callers.get("supervisor of A")))
                .containsExactly(id);
        assertThat(call("GET", "/api/v1/sessions/" + newSession(owner()), null, key)
                        .status())
                .isEqualTo(404);
    }

    private Set<String> listedIds(String path, String credential) {
        Api.Response answer = call("GET", path, null, credential);
        assertThat(answer.status()).as(path).isEqualTo(200);
        Set<String> ids = new java.util.LinkedHashSet<>();
        answer.json().get("sessions").forEach(s -> ids.add(s.get("id").asString()));
        return ids;
    }

    /** Status, content type and body the same as for an id that does not exist (the ids themselves aside). */
    private static void assertNotFoundLikeUnknown(
            String what, Api.Response answer, String id, Api.Response unknownAnswer, String unknown) {
        assertThat(answer.status()).as(what).isEqualTo(404);
        assertThat(unknownAnswer.status()).as(what).isEqualTo(404);
        assertThat(answer.contentType()).as(what).isEqualTo(unknownAnswer.contentType());
        assertThat(answer.json().get("type").asString()).isEqualTo("urn:lisa:problem:session-not-found");
        assertThat(answer.body().replace(id, "ID"))
                .as(what)
                .isEqualTo(unknownAnswer.body().replace(unknown, "ID"));
        assertThat(answer.headers().map().keySet())
                .as(what)
                .isEqualTo(unknownAnswer.headers().map().keySet());
    }

    private record Request(String name, java.util.function.Function<String, Api.Response> send) {}
}
