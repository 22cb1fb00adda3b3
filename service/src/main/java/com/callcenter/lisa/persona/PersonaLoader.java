package com.callcenter.lisa.persona;

import com.callcenter.lisa.gemini.TokenEstimate;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.convert.DurationStyle;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads one persona folder: {@code persona.yml} and the files it names. Everything is checked here, once,
 * at start-up; the first problem found is a {@link PersonaConfigException} naming the file and the line
 * (YAML lines from SnakeYAML's marks, prompt lines by counting).
 */
final class PersonaLoader {

    static final String DESCRIPTOR = "persona.yml";
    static final String REQUEST_HUMAN = "request_human";

    private static final Set<String> PERSONA_KEYS = Set.of("prompt", "knowledge", "context", "tools", REQUEST_HUMAN);
    private static final Set<String> TOOL_KEYS = Set.of("name", "description", "parameters", "http");
    private static final Set<String> HTTP_KEYS = Set.of("method", "url", "headers", "timeout");
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    private static final Pattern TOOL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.:-]{0,63}");
    private static final Pattern CONTEXT_PATH = Pattern.compile("(customer|campaign)(\\.[A-Za-z0-9_-]+)+");
    private static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Where a persona's files are: a folder on disk, or the built-in one inside the jar. */
    interface Source {

        /** The file as the operator knows it, for messages. */
        String describe(String file);

        /** The file's bytes, or empty when there is no such file. */
        Optional<byte[]> read(String file) throws IOException;
    }

    record Folder(Path directory) implements Source {

        @Override
        public String describe(String file) {
            return directory.resolve(file).toString();
        }

        @Override
        public Optional<byte[]> read(String file) throws IOException {
            Path path = directory.resolve(file).normalize();
            return Files.isRegularFile(path) ? Optional.of(Files.readAllBytes(path)) : Optional.empty();
        }
    }

    record Classpath(String location, ClassLoader loader) implements Source {

        @Override
        public String describe(String file) {
            return "classpath:" + location + "/" + file;
        }

        @Override
        public Optional<byte[]> read(String file) throws IOException {
            try (InputStream in = loader.getResourceAsStream(location + "/" + file)) {
                return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
            }
        }
    }

    private final SchemaRegistry schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final Schema metaSchema = schemas.getSchema(SchemaLocation.of(DRAFT_2020_12));
    private final int maxKnowledgeTokens;
    private final UnaryOperator<String> settings;

    /**
     * @param maxKnowledgeTokens the most the knowledge files of one persona may hold together (by {@link TokenEstimate})
     * @param settings           looks up the {@code ${NAME}} placeholders of tool URLs and headers; null when unset
     */
    PersonaLoader(int maxKnowledgeTokens, UnaryOperator<String> settings) {
        this.maxKnowledgeTokens = maxKnowledgeTokens;
        this.settings = settings;
    }

    Persona load(String name, Source source) {
        String descriptor = source.describe(DESCRIPTOR);
        String yamlText = text(source, DESCRIPTOR, descriptor, 0)
                .orElseThrow(() -> new PersonaConfigException(
                        descriptor, 0, "the file is missing; every persona " + "folder needs a persona.yml"));
        Node root = compose(yamlText, descriptor);
        if (!(root instanceof MappingNode mapping)) {
            throw new PersonaConfigException(
                    descriptor, root == null ? 0 : line(root), "expected a mapping with at least \"prompt:\"");
        }
        Map<String, NodeTuple> keys = keys(mapping, PERSONA_KEYS, descriptor, "persona.yml");
        Yamls yaml = new Yamls(descriptor);

        NodeTuple promptEntry = keys.get("prompt");
        if (promptEntry == null) {
            throw new PersonaConfigException(
                    descriptor,
                    line(mapping),
                    "\"prompt:\" is missing: name the file " + "holding the system prompt, e.g. prompt: prompt.md");
        }
        String promptFile = yaml.fileName(promptEntry.getValueNode(), "prompt");
        String prompt = text(source, promptFile, descriptor, line(promptEntry.getValueNode()))
                .orElseThrow(() -> new PersonaConfigException(
                        descriptor,
                        line(promptEntry.getValueNode()),
                        "the prompt file " + source.describe(promptFile) + " does not exist"))
                .strip();
        if (prompt.isEmpty()) {
            throw new PersonaConfigException(source.describe(promptFile), 1, "the prompt file is empty");
        }

        List<Persona.Knowledge> knowledge = new ArrayList<>();
        NodeTuple knowledgeEntry = keys.get("knowledge");
        if (knowledgeEntry != null) {
            int tokens = 0;
            for (Node item : yaml.sequence(knowledgeEntry.getValueNode(), "knowledge")) {
                String file = yaml.fileName(item, "knowledge");
                String text = text(source, file, descriptor, line(item))
                        .orElseThrow(() -> new PersonaConfigException(
                                descriptor,
                                line(item),
                                "the knowledge file " + source.describe(file) + " does not exist"))
                        .strip();
                if (text.isEmpty()) {
                    throw new PersonaConfigException(source.describe(file), 1, "the knowledge file is empty");
                }
                tokens += TokenEstimate.of(text);
                knowledge.add(new Persona.Knowledge(file, text));
            }
            if (tokens > maxKnowledgeTokens) {
                throw new PersonaConfigException(
                        descriptor,
                        line(knowledgeEntry.getKeyNode()),
                        "the knowledge files "
                                + "hold about " + tokens
                                + " tokens together, more than lisa.personas.max-knowledge-tokens ("
                                + maxKnowledgeTokens
                                + "); every turn sends them to Gemini, so shorten them or raise the limit");
            }
        }

        Map<String, Persona.ContextSchema> context = new LinkedHashMap<>();
        Map<String, JsonNode> contextTrees = new LinkedHashMap<>();
        NodeTuple contextEntry = keys.get("context");
        if (contextEntry != null) {
            if (!(contextEntry.getValueNode() instanceof MappingNode parts)) {
                throw new PersonaConfigException(
                        descriptor,
                        line(contextEntry.getValueNode()),
                        "\"context:\" must be a mapping with \"customer:\" and/or \"campaign:\", each a JSON Schema");
            }
            keys(parts, Set.copyOf(Persona.CONTEXT_PARTS), descriptor, "context")
                    .forEach((part, entry) -> {
                        JsonNode tree = schema(yaml, entry.getValueNode(), "context." + part);
                        contextTrees.put(part, tree);
                        context.put(
                                part,
                                new Persona.ContextSchema(
                                        part, compile(tree, descriptor, line(entry.getValueNode())), tree.toString()));
                    });
        }
        checkPlaceholders(prompt, source.describe(promptFile), contextTrees);

        List<PersonaTool> tools = tools(yaml, keys.get("tools"), new ArrayList<>());

        boolean requestHuman = true;
        NodeTuple requestHumanEntry = keys.get(REQUEST_HUMAN);
        if (requestHumanEntry != null) {
            requestHuman = yaml.bool(requestHumanEntry.getValueNode(), REQUEST_HUMAN);
        }
        return new Persona(name, prompt, knowledge, context, tools, requestHuman);
    }

    /**
     * The persona with the tools of one more file of its folder added (a YAML mapping with only {@code tools:}, in
     * the format of persona.yml), checked as persona.yml's are. The built-in sample's demo tools come this way, in
     * demo mode only.
     */
    Persona withTools(Persona persona, Source source, String file) {
        String described = source.describe(file);
        String yamlText = text(source, file, described, 0)
                .orElseThrow(() -> new PersonaConfigException(described, 0, "the file is missing"));
        if (!(compose(yamlText, described) instanceof MappingNode mapping)) {
            throw new PersonaConfigException(described, 0, "expected a mapping with \"tools:\"");
        }
        Map<String, NodeTuple> keys = keys(mapping, Set.of("tools"), described, file);
        List<PersonaTool> tools = tools(new Yamls(described), keys.get("tools"), new ArrayList<>(persona.tools()));
        return new Persona(
                persona.name(),
                persona.prompt(),
                persona.knowledge(),
                persona.context(),
                tools,
                persona.requestHuman());
    }

    /** The tools of a {@code tools:} entry (none when absent) added to {@code tools}; names must stay unique. */
    private List<PersonaTool> tools(Yamls yaml, NodeTuple entry, List<PersonaTool> tools) {
        if (entry == null) {
            return tools;
        }
        for (Node item : yaml.sequence(entry.getValueNode(), "tools")) {
            PersonaTool tool = tool(yaml, item);
            if (tools.stream().anyMatch(other -> other.name().equals(tool.name()))) {
                throw new PersonaConfigException(
                        yaml.file, line(item), "a second tool named '" + tool.name() + "'; tool names must be unique");
            }
            tools.add(tool);
        }
        return tools;
    }

    private static Node compose(String yamlText, String file) {
        try {
            // compose, not load: the node tree keeps every value's line (duplicate keys are checked below)
            return new Yaml(new LoaderOptions()).compose(new java.io.StringReader(yamlText));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 0;
            throw new PersonaConfigException(file, line, "not valid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            throw new PersonaConfigException(file, 0, "not valid YAML: " + e.getMessage());
        }
    }

    /** Every {@code {{...}}} must name a field the persona's context schemas declare (under "properties"). */
    private static void checkPlaceholders(String prompt, String promptFile, Map<String, JsonNode> schemas) {
        Matcher matcher = Persona.PLACEHOLDER.matcher(prompt);
        while (matcher.find()) {
            String path = matcher.group(1);
            int line = 1
                    + (int) prompt.substring(0, matcher.start())
                            .chars()
                            .filter(c -> c == '\n')
                            .count();
            if (!CONTEXT_PATH.matcher(path).matches()) {
                throw new PersonaConfigException(
                        promptFile,
                        line,
                        "unknown placeholder {{" + path + "}}: "
                                + "placeholders name a field of the call context, e.g. {{customer.name}} or {{campaign.offer}}");
            }
            String[] steps = path.split("\\.");
            JsonNode schema = schemas.get(steps[0]);
            if (schema == null) {
                throw new PersonaConfigException(
                        promptFile,
                        line,
                        "unknown placeholder {{" + path + "}}: persona.yml " + "declares no " + steps[0]
                                + " context (context: " + steps[0] + ": {type: object, properties: ...})");
            }
            for (int i = 1; i < steps.length; i++) {
                schema = schema.path("properties").path(steps[i]);
                if (schema.isMissingNode()) {
                    throw new PersonaConfigException(
                            promptFile,
                            line,
                            "unknown placeholder {{" + path + "}}: the "
                                    + steps[0] + " schema in persona.yml declares no property '"
                                    + String.join(".", java.util.Arrays.copyOfRange(steps, 1, i + 1)) + "'");
                }
            }
        }
    }

    private PersonaTool tool(Yamls yaml, Node item) {
        String descriptor = yaml.file;
        if (!(item instanceof MappingNode mapping)) {
            throw new PersonaConfigException(
                    descriptor, line(item), "each tool is a mapping with name, description, " + "parameters and http");
        }
        Map<String, NodeTuple> keys = keys(mapping, TOOL_KEYS, descriptor, "a tool");
        String name = yaml.required(keys, "name", mapping, "tool");
        if (!TOOL_NAME.matcher(name).matches()) {
            throw new PersonaConfigException(
                    descriptor,
                    line(keys.get("name").getValueNode()),
                    "the tool name '" + name
                            + "' is not a valid function name (a letter or _, then letters, digits, _ . : -, at most 64)");
        }
        if (name.equals(REQUEST_HUMAN)) {
            throw new PersonaConfigException(
                    descriptor,
                    line(keys.get("name").getValueNode()),
                    "'request_human' is "
                            + "the built-in handoff tool; give this tool another name (or opt out with request_human: false)");
        }
        String description = yaml.required(keys, "description", mapping, "tool '" + name + "'");
        JsonNode parameters = NODES.objectNode().put("type", "object");
        int parametersLine = line(mapping);
        if (keys.containsKey("parameters")) {
            parametersLine = line(keys.get("parameters").getValueNode());
            parameters = schema(yaml, keys.get("parameters").getValueNode(), "tools." + name + ".parameters");
        }
        Schema compiled = compile(parameters, descriptor, parametersLine);
        NodeTuple httpEntry = keys.get("http");
        if (httpEntry == null) {
            throw new PersonaConfigException(
                    descriptor,
                    line(mapping),
                    "the tool '" + name + "' has no \"http:\" "
                            + "(method, url, headers, timeout): the endpoint the service calls for it");
        }
        if (!(httpEntry.getValueNode() instanceof MappingNode httpNode)) {
            throw new PersonaConfigException(
                    descriptor,
                    line(httpEntry.getValueNode()),
                    "\"http:\" of tool '" + name + "' must be a mapping with method, url, headers and timeout");
        }
        Map<String, NodeTuple> http = keys(httpNode, HTTP_KEYS, descriptor, "http of tool '" + name + "'");
        String method = http.containsKey("method")
                ? yaml.scalar(http.get("method").getValueNode(), "method").toUpperCase(Locale.ROOT)
                : "POST";
        if (!METHODS.contains(method)) {
            throw new PersonaConfigException(
                    descriptor,
                    line(http.get("method").getValueNode()),
                    "unknown HTTP method '" + method + "'; use one of "
                            + String.join(", ", new java.util.TreeSet<>(METHODS)));
        }
        String url = yaml.required(http, "url", httpNode, "http of tool '" + name + "'");
        int urlLine = line(http.get("url").getValueNode());
        checkTemplate(url, descriptor, urlLine);
        String resolved = resolveForCheck(url, descriptor, urlLine);
        URI uri;
        try {
            uri = URI.create(resolved);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null
                || uri.getHost() == null
                || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
            throw new PersonaConfigException(
                    descriptor,
                    urlLine,
                    "the url of tool '" + name + "' is not an http(s) " + "URL once its ${...} settings are filled in");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (http.containsKey("headers")) {
            Node headersNode = http.get("headers").getValueNode();
            if (!(headersNode instanceof MappingNode headerMap)) {
                throw new PersonaConfigException(
                        descriptor, line(headersNode), "\"headers:\" must be a mapping of " + "header name to value");
            }
            for (NodeTuple header : headerMap.getValue()) {
                String headerName = yaml.scalar(header.getKeyNode(), "header name");
                String value = yaml.scalar(header.getValueNode(), "header " + headerName);
                checkTemplate(value, descriptor, line(header.getValueNode()));
                resolveForCheck(value, descriptor, line(header.getValueNode()));
                headers.put(headerName, value);
            }
        }
        Duration timeout = Duration.ofSeconds(5);
        if (http.containsKey("timeout")) {
            Node timeoutNode = http.get("timeout").getValueNode();
            try {
                timeout = DurationStyle.detectAndParse(yaml.scalar(timeoutNode, "timeout"));
            } catch (IllegalArgumentException e) {
                timeout = null;
            }
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new PersonaConfigException(
                        descriptor,
                        line(timeoutNode),
                        "the timeout of tool '" + name + "' is not a positive duration such as 5s or 1500ms");
            }
        }
        return new PersonaTool(
                name,
                description,
                parameters.toString(),
                compiled,
                new PersonaTool.Http(method, url, headers, timeout),
                line(mapping));
    }

    private static void checkTemplate(String template, String file, int line) {
        String rest = PersonaTool.Http.PLACEHOLDER.matcher(template).replaceAll("");
        if (rest.contains("${")) {
            throw new PersonaConfigException(
                    file,
                    line,
                    "a malformed ${...} placeholder; write ${NAME} with the name "
                            + "of an environment variable or setting");
        }
    }

    private String resolveForCheck(String template, String file, int line) {
        Matcher matcher = PersonaTool.Http.PLACEHOLDER.matcher(template);
        while (matcher.find()) {
            if (settings.apply(matcher.group(1)) == null) {
                throw new PersonaConfigException(
                        file,
                        line,
                        "${" + matcher.group(1) + "} is not set: set the " + "environment variable " + matcher.group(1)
                                + " (or the setting of that name)");
            }
        }
        return PersonaTool.Http.resolve(template, settings);
    }

    /** A JSON Schema written in YAML: converted, then checked against the 2020-12 meta-schema. */
    private JsonNode schema(Yamls yaml, Node node, String what) {
        Map<String, Integer> lines = new LinkedHashMap<>();
        JsonNode tree = yaml.json(node, "", lines);
        if (!tree.isObject() || !"object".equals(tree.path("type").asString(""))) {
            throw new PersonaConfigException(
                    yaml.file, line(node), what + " must be a JSON Schema of " + "\"type: object\"");
        }
        checkReferences(tree, "", yaml.file, lines, line(node));
        List<Error> errors = metaSchema.validate(tree);
        if (!errors.isEmpty()) {
            Error error = errors.getFirst();
            throw new PersonaConfigException(
                    yaml.file,
                    lineOf(error.getInstanceLocation(), lines, line(node)),
                    what + " is not a valid JSON Schema (draft 2020-12): at "
                            + String.valueOf(error.getInstanceLocation()).replaceFirst("^\\$", what)
                            + ": " + error.getMessage().replaceFirst("^\\$[^:]*: ", ""));
        }
        return tree;
    }

    /** No remote schemas: a reference outside the document would be fetched at start-up, or fail later. */
    private static void checkReferences(
            JsonNode node, String pointer, String file, Map<String, Integer> lines, int fallback) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String at = pointer + "/" + field.getKey();
                String key = field.getKey();
                if ((key.equals("$ref") || key.equals("$dynamicRef"))
                        && !field.getValue().asString("").startsWith("#")) {
                    throw new PersonaConfigException(
                            file,
                            lines.getOrDefault(at, fallback),
                            key + " may only point " + "inside the same schema (#/...); remote schemas are not loaded");
                }
                if (key.equals("$schema") && !field.getValue().asString("").startsWith(DRAFT_2020_12)) {
                    throw new PersonaConfigException(
                            file,
                            lines.getOrDefault(at, fallback),
                            "only JSON Schema draft " + "2020-12 is supported ($schema: " + DRAFT_2020_12
                                    + ", or leave it out)");
                }
                checkReferences(field.getValue(), at, file, lines, fallback);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkReferences(node.get(i), pointer + "/" + i, file, lines, fallback);
            }
        }
    }

    private Schema compile(JsonNode tree, String file, int line) {
        try {
            Schema schema = schemas.getSchema(tree);
            schema.initializeValidators();
            return schema;
        } catch (SchemaException | IllegalArgumentException e) {
            throw new PersonaConfigException(file, line, "the schema cannot be used: " + e.getMessage());
        }
    }

    private static int lineOf(NodePath at, Map<String, Integer> lines, int fallback) {
        if (at == null) {
            return fallback;
        }
        List<String> steps = new ArrayList<>();
        for (int i = 0; i < at.getNameCount(); i++) {
            steps.add(String.valueOf(at.getElement(i)));
        }
        for (int n = steps.size(); n > 0; n--) {
            Integer line = lines.get("/" + String.join("/", steps.subList(0, n)));
            if (line != null) {
                return line;
            }
        }
        return fallback;
    }

    private static Map<String, NodeTuple> keys(MappingNode mapping, Set<String> allowed, String file, String where) {
        Map<String, NodeTuple> keys = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                throw new PersonaConfigException(file, line(tuple.getKeyNode()), "keys must be plain words");
            }
            if (!allowed.contains(key.getValue())) {
                throw new PersonaConfigException(
                        file,
                        line(key),
                        "unknown key \"" + key.getValue() + "\" in " + where + "; known keys: "
                                + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
            if (keys.put(key.getValue(), tuple) != null) {
                throw new PersonaConfigException(
                        file, line(key), "\"" + key.getValue() + "\" appears twice in " + where);
            }
        }
        return keys;
    }

    /** A file of the persona as UTF-8 text; names must stay inside the persona's folder. */
    private static Optional<String> text(Source source, String file, String referencedFrom, int line) {
        try {
            Optional<byte[]> bytes = source.read(file);
            if (bytes.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes.get()))
                    .toString());
        } catch (CharacterCodingException e) {
            throw new PersonaConfigException(source.describe(file), 0, "the file is not UTF-8 text");
        } catch (IOException e) {
            throw new PersonaConfigException(
                    referencedFrom, line, "cannot read " + source.describe(file) + ": " + e.getMessage());
        }
    }

    private static int line(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    /** Reading values out of the YAML node tree, with the file's name for messages. */
    private record Yamls(String file) {

        String scalar(Node node, String what) {
            if (!(node instanceof ScalarNode scalar) || scalar.getTag().equals(Tag.NULL)) {
                throw new PersonaConfigException(file, line(node), what + " must be a single value");
            }
            return scalar.getValue();
        }

        String required(Map<String, NodeTuple> keys, String key, Node owner, String where) {
            NodeTuple entry = keys.get(key);
            if (entry == null) {
                throw new PersonaConfigException(file, line(owner), "\"" + key + ":\" is missing in " + where);
            }
            String value = scalar(entry.getValueNode(), key).strip();
            if (value.isEmpty()) {
                throw new PersonaConfigException(
                        file, line(entry.getValueNode()), "\"" + key + ":\" is empty in " + where);
            }
            return value;
        }

        boolean bool(Node node, String what) {
            if (node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.BOOL)) {
                return Set.of("true", "yes", "on").contains(scalar.getValue().toLowerCase(Locale.ROOT));
            }
            throw new PersonaConfigException(file, line(node), what + " must be true or false");
        }

        List<Node> sequence(Node node, String what) {
            if (node instanceof SequenceNode sequence) {
                return sequence.getValue();
            }
            throw new PersonaConfigException(
                    file, line(node), "\"" + what + ":\" must be a list, e.g. " + what + ": [a.md, b.md]");
        }

        /** A file name inside the persona's folder: no absolute paths, no "..", no folders outside. */
        String fileName(Node node, String what) {
            String name = scalar(node, what).strip();
            Path path = Path.of(name).normalize();
            if (name.isEmpty()
                    || path.isAbsolute()
                    || path.startsWith("..")
                    || name.contains("\\")
                    || name.startsWith("/")) {
                throw new PersonaConfigException(
                        file, line(node), "\"" + name + "\" must name a file inside the " + "persona's folder");
            }
            return path.toString().replace('\\', '/');
        }

        /** YAML to JSON, recording the line of every value by its JSON pointer (for schema errors). */
        JsonNode json(Node node, String pointer, Map<String, Integer> lines) {
            lines.put(pointer, line(node));
            if (node instanceof MappingNode mapping) {
                ObjectNode object = NODES.objectNode();
                for (NodeTuple tuple : mapping.getValue()) {
                    String key = scalar(tuple.getKeyNode(), "a key");
                    if (object.has(key)) {
                        throw new PersonaConfigException(
                                file, line(tuple.getKeyNode()), "\"" + key + "\" appears twice");
                    }
                    object.set(key, json(tuple.getValueNode(), pointer + "/" + key, lines));
                }
                return object;
            }
            if (node instanceof SequenceNode sequence) {
                ArrayNode array = NODES.arrayNode();
                List<Node> items = sequence.getValue();
                for (int i = 0; i < items.size(); i++) {
                    array.add(json(items.get(i), pointer + "/" + i, lines));
                }
                return array;
            }
            ScalarNode scalar = (ScalarNode) node;
            String value = scalar.getValue();
            Tag tag = scalar.getTag();
            if (tag.equals(Tag.NULL)) {
                return NODES.nullNode();
            }
            if (tag.equals(Tag.BOOL)) {
                return NODES.booleanNode(Set.of("true", "yes", "on").contains(value.toLowerCase(Locale.ROOT)));
            }
            if (tag.equals(Tag.INT)) {
                try {
                    BigInteger number = new BigInteger(value.replace("_", ""));
                    return number.bitLength() < 32
                            ? NODES.numberNode(number.intValue())
                            : number.bitLength() < 64 ? NODES.numberNode(number.longValue()) : NODES.numberNode(number);
                } catch (NumberFormatException e) {
                    return NODES.stringNode(value);
                }
            }
            if (tag.equals(Tag.FLOAT)) {
                try {
                    return NODES.numberNode(new java.math.BigDecimal(value.replace("_", "")));
                } catch (NumberFormatException e) {
                    return NODES.stringNode(value);
                }
            }
            return NODES.stringNode(value);
        }
    }
}
