package io.convrouter.policy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.ss.util.CellReference;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

import io.convrouter.classify.Classifier;
import io.convrouter.classify.PolicyFile;
import io.convrouter.classify.RoutingInput;
import io.convrouter.classify.RulesetCompiler;
import io.convrouter.workbench.Workbench;
import io.convrouter.workbench.WorkbenchLoader;

/**
 * The real policy files and workbench config (tests run in rules-server/, next to them), and small
 * edits to them: one cell of a workbook changed, a sheet added, a marker that makes a version unique
 * without changing what it routes.
 */
final class PolicyFixtures {
    static final Path RULES_DIR = Path.of("../rules");
    static final Path WORKBENCH_DIR = Path.of("../workbench-config");
    static final String XLSX = "routing.drl.xlsx";
    static final String CSV = "marketplace.drl.csv";
    static final String DRL = "guards.drl";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-11T00:00:00Z"), ZoneOffset.UTC);

    private static Workbench workbench;

    private PolicyFixtures() {}

    static synchronized Workbench workbench() {
        if (workbench == null) {
            workbench = new WorkbenchLoader().load(WORKBENCH_DIR);
        }
        return workbench;
    }

    static PolicyValidator validator() {
        return new PolicyValidator(new RulesetCompiler(CLOCK), new Classifier(), workbench());
    }

    static RoutingInput.Defaults defaults() {
        Workbench.RoutingDefaults d = workbench().routing();
        return new RoutingInput.Defaults(d.defaultQueue(), d.defaultPriority(), d.defaultSlaSeconds(), d.defaultLanguage());
    }

    static byte[] bytes(String rulesFile) {
        try {
            return Files.readAllBytes(RULES_DIR.resolve(rulesFile));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The three default policy files of rules/. */
    static List<PolicyFile> defaultFiles() {
        return List.of(new PolicyFile(XLSX, bytes(XLSX)), new PolicyFile(CSV, bytes(CSV)), new PolicyFile(DRL, bytes(DRL)));
    }

    /** Every ruleset file of rules/ (rules and scenario tables), as the server reads the directory. */
    static List<PolicyFile> rulesDirectory() {
        List<PolicyFile> files = new ArrayList<>();
        try (var paths = Files.list(RULES_DIR)) {
            for (Path p : paths.filter(Files::isRegularFile).sorted().toList()) {
                PolicyFile f = new PolicyFile(p.getFileName().toString(), Files.readAllBytes(p));
                if (f.isRulesetFile()) {
                    files.add(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** guards.drl with a comment line added: a different version that routes exactly like the default. */
    static byte[] markedGuards(String marker) {
        return (new String(bytes(DRL), StandardCharsets.UTF_8) + "\n// " + marker + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The default files, with guards.drl marked (a unique version) and routing.drl.xlsx replaced. */
    static List<PolicyFile> defaultsWith(String marker, byte[] routingXlsx) {
        return List.of(new PolicyFile(XLSX, routingXlsx), new PolicyFile(CSV, bytes(CSV)),
                new PolicyFile(DRL, markedGuards(marker)));
    }

    /** A copy of a workbook with cells changed, by reference such as "E12"; a Number is written as a number. */
    static byte[] withCells(byte[] xlsx, String sheet, Map<String, Object> cells) {
        try (Workbook wb = new XSSFWorkbook(new ByteArrayInputStream(xlsx)); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            Sheet s = wb.getSheet(sheet);
            if (s == null) {
                throw new IllegalArgumentException("no sheet " + sheet);
            }
            for (Map.Entry<String, Object> e : cells.entrySet()) {
                CellReference ref = new CellReference(e.getKey());
                Row row = s.getRow(ref.getRow()) == null ? s.createRow(ref.getRow()) : s.getRow(ref.getRow());
                Cell cell = row.getCell(ref.getCol()) == null ? row.createCell(ref.getCol()) : row.getCell(ref.getCol());
                if (e.getValue() instanceof Number n) {
                    cell.setCellValue(n.doubleValue());
                } else {
                    cell.setCellValue(String.valueOf(e.getValue()));
                }
            }
            wb.write(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] withCell(byte[] xlsx, String sheet, String ref, Object value) {
        return withCells(xlsx, sheet, Map.of(ref, value));
    }

    /** A copy of a workbook with one more sheet; {@code null} cells stay empty. */
    static byte[] withSheet(byte[] xlsx, String sheetName, List<? extends List<?>> rows) {
        try (Workbook wb = new XSSFWorkbook(new ByteArrayInputStream(xlsx)); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            Sheet s = wb.createSheet(sheetName);
            for (int r = 0; r < rows.size(); r++) {
                Row row = s.createRow(r);
                List<?> values = rows.get(r);
                for (int c = 0; c < values.size(); c++) {
                    Object v = values.get(c);
                    if (v != null) {
                        row.createCell(c).setCellValue(v.toString());
                    }
                }
            }
            wb.write(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A zip of the files, each under {@code folder} (may be empty). */
    static byte[] zip(String folder, List<PolicyFile> files) {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (PolicyFile f : files) {
                zip.putNextEntry(new ZipEntry(folder + f.path()));
                zip.write(f.content());
                zip.closeEntry();
            }
            zip.finish();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<PolicyFile> concat(List<PolicyFile> a, PolicyFile... more) {
        List<PolicyFile> all = new ArrayList<>(a);
        all.addAll(List.of(more));
        return all;
    }
}
