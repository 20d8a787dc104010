# Builds the demo data set: one JSON object per line with an id, a text made of
# 3 to 6 corpus sentences picked by a fixed pseudo-random sequence, and a
# topic tag that `oneai batch` echoes into its output.
# Usage: awk -v count=10000 -f make-documents.awk corpus.txt > documents.jsonl
/^#/ || /^$/ { next }
{ sentence[n++] = $0 }
END {
    seed = 20261129
    split("town,business,nature,transport,culture", topics, ",")
    for (i = 0; i < count; i++) {
        seed = (seed * 1103515245 + 12345) % 2147483648
        k = 3 + seed % 4
        text = "Log entry " (i + 1) "."
        for (j = 0; j < k; j++) {
            seed = (seed * 1103515245 + 12345) % 2147483648
            text = text " " sentence[int(seed / 65536) % n]
        }
        gsub(/"/, "\\\"", text)
        printf "{\"id\":\"doc-%05d\",\"text\":\"%s\",\"topic\":\"%s\"}\n", i, text, topics[1 + i % 5]
    }
}
