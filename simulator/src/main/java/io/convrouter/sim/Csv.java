package io.convrouter.sim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Reads CSV (RFC 4180 quoting; a file ending in .gz is gunzipped). */
final class Csv {
    private Csv() {}

    /** Every record, the header first. */
    static List<List<String>> read(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            List<List<String>> rows = new ArrayList<>();
            List<String> row = new ArrayList<>();
            StringBuilder cell = new StringBuilder();
            boolean quoted = false;
            boolean any = false;
            int c;
            while ((c = r.read()) != -1) {
                char ch = (char) c;
                if (quoted) {
                    if (ch == '"') {
                        r.mark(1);
                        int next = r.read();
                        if (next == '"') {
                            cell.append('"');
                        } else {
                            quoted = false;
                            if (next != -1) {
                                r.reset();
                            }
                        }
                    } else {
                        cell.append(ch);
                    }
                    continue;
                }
                switch (ch) {
                    case '"' -> {
                        quoted = true;
                        any = true;
                    }
                    case ',' -> {
                        row.add(cell.toString());
                        cell.setLength(0);
                        any = true;
                    }
                    case '\r' -> { }
                    case '\n' -> {
                        if (any || cell.length() > 0) {
                            row.add(cell.toString());
                            rows.add(row);
                        }
                        row = new ArrayList<>();
                        cell.setLength(0);
                        any = false;
                    }
                    default -> {
                        cell.append(ch);
                        any = true;
                    }
                }
            }
            if (any || cell.length() > 0) {
                row.add(cell.toString());
                rows.add(row);
            }
            if (!rows.isEmpty() && !rows.get(0).isEmpty() && rows.get(0).get(0).startsWith("\uFEFF")) {
                rows.get(0).set(0, rows.get(0).get(0).substring(1)); // a byte-order mark from a spreadsheet export
            }
            return rows;
        }
    }
}
