package io.convrouter.console;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The web console's entry page. Its files are static (resources/static/console); this only lets
 * people type /console or /console/ instead of the file name. The console reaches the API with the
 * key it was signed in with, so the page itself needs no credentials.
 */
@Controller
public class ConsoleController {

    @GetMapping("/console")
    public String withoutSlash() {
        return "redirect:/console/";
    }

    @GetMapping("/console/")
    public String index() {
        return "forward:/console/index.html";
    }
}
