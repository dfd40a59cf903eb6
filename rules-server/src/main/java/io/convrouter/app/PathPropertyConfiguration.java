package io.convrouter.app;

import java.beans.PropertyEditorSupport;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

import org.springframework.beans.factory.config.CustomEditorConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Binds {@code Path} properties (such as {@code routing.rules-dir}) as plain file-system paths,
 * relative to the working directory.
 *
 * <p>Spring's default binding resolves a Path through the application's resource loader, which in
 * a servlet web server is the servlet context: a value such as {@code ../rules} then fails at
 * start-up with "The resource path [/../rules] has been normalized to [null] which is not valid".
 */
@Configuration(proxyBeanMethods = false)
public class PathPropertyConfiguration {

    @Bean
    static CustomEditorConfigurer fileSystemPathEditor() {
        CustomEditorConfigurer configurer = new CustomEditorConfigurer();
        configurer.setCustomEditors(Map.of(Path.class, FileSystemPathEditor.class));
        return configurer;
    }

    /** "rules", "../rules", "/srv/rules" or "file:///srv/rules" as a file-system path. */
    public static final class FileSystemPathEditor extends PropertyEditorSupport {
        @Override
        public void setAsText(String text) {
            if (text == null || text.isBlank()) {
                setValue(null);
                return;
            }
            String trimmed = text.trim();
            setValue(trimmed.startsWith("file:") ? Path.of(URI.create(trimmed)) : Path.of(trimmed));
        }
    }
}
