// Writes the two source workbooks for the LibreOffice fixtures with Apache POI; LibreOffice then
// re-saves them (see README.md in this folder). Run from the repository root:
//   jshell --class-path "$(cat /tmp/cp.txt)" -R-Dout=/tmp/lo-src \
//       rules-server/src/test/resources/policies/libreoffice/make-workbooks.jsh
// where /tmp/cp.txt is the test class path
//   (./mvnw -q -f rules-server/pom.xml dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test).
import java.io.*;
import java.nio.file.*;
import org.apache.poi.ss.usermodel.*;
import org.apache.poi.ss.util.CellReference;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

Path out = Path.of(System.getProperty("out", "/tmp/lo-src"));
Files.createDirectories(out.resolve("valid"));
Files.createDirectories(out.resolve("broken"));

void set(Workbook wb, String sheet, String ref, Object value) {
    CellReference r = new CellReference(ref);
    Sheet s = wb.getSheet(sheet);
    Row row = s.getRow(r.getRow()) == null ? s.createRow(r.getRow()) : s.getRow(r.getRow());
    Cell c = row.getCell(r.getCol()) == null ? row.createCell(r.getCol()) : row.getCell(r.getCol());
    if (value instanceof Number n) c.setCellValue(n.doubleValue()); else c.setCellValue(value.toString());
}

void scenarios(Workbook wb) {
    Sheet s = wb.createSheet("Scenarios");
    String[][] rows = {
        {"Name", "Channel", "Text", "Tier", "field.marketplace", "Expected intent", "Expected queue", "Expected priority", "Expected skills", "Expected team", "Expected bot first", "Expected rules"},
        {"A refund request", "web", "我要退款，订单一直没发货", "regular", "", "refund", "after-sales", "50", "refund 3", "", "false", "Refund, Refunds"},
        {"A failed payment is urgent", "app", "支付失败了，还重复扣款", "regular", "", "payment_failed", "payments", "80", "payment 3", "", "false", "Payment failed, Payment failures are urgent"},
        {"A VIP refund goes to the VIP desk", "web", "refund please", "vip", "", "refund", "vip-desk", "90", "refund 3", "vip-desk", "false", "VIP to the dedicated desk"},
        {"A live-stream comment without intent", "live_stream", "主播好", "regular", "", "", "social", "60", "general 1", "", "false", "General live-stream comments to the social queue"},
        {"A Tmall store message", "marketplace", "这个什么时候发货", "regular", "tmall", "shipping", "marketplace", "40", "shipping 2, tmall 2", "marketplace-tmall", "false", "Tmall store to the Tmall team"},
        {"A blacklisted customer gets the bot", "web", "我要退款", "blacklist", "", "refund", "bot", "0", "", "-", "true", "Blacklisted customers to the bot"},
    };
    for (int i = 0; i < rows.length; i++) {
        Row row = s.createRow(i);
        for (int j = 0; j < rows[i].length; j++) {
            if (!rows[i][j].isEmpty()) row.createCell(j).setCellValue(rows[i][j]);
        }
    }
}

void write(Workbook wb, Path file) throws IOException {
    try (OutputStream o = Files.newOutputStream(file)) { wb.write(o); }
}

try (Workbook wb = new XSSFWorkbook(Files.newInputStream(Path.of("rules/routing.drl.xlsx")))) {
    scenarios(wb);
    write(wb, out.resolve("valid/routing.drl.xlsx"));
}
try (Workbook wb = new XSSFWorkbook(Files.newInputStream(Path.of("rules/routing.drl.xlsx")))) {
    set(wb, "Routing", "E12", "hihg");        // Refunds: priority
    set(wb, "Routing", "C13", "logistic");    // Shipping: queue (the queue is 'logistics')
    set(wb, "Customers", "B13", "gold");      // VIP row: tier (tiers are vip, regular, new, blacklist)
    write(wb, out.resolve("broken/routing.drl.xlsx"));
}
System.out.println("written to " + out);
/exit
